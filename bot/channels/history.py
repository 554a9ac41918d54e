"""The conversation as the patient saw it, rebuilt from tracker events.

``DialogueStateTracker.applied_events`` is not usable for display: it drops
the patient's answers inside forms (repeated loop executions) and everything
before a session start. This walks the raw events instead, keeps every
session, and applies only the rewinds that undo what the patient saw:
``rewind`` (``UserUtteranceReverted``) removes the last patient message and
the replies after it; ``undo`` (``ActionReverted``) removes the last action's
messages. Bot messages are split the way the channel split them when they
were sent, so a reload shows the same bubbles.

A message sent by a button is shown with the button title the channel stored
in its metadata (``display_text``); an intent payload without one is hidden
(e.g. the automatic start payload).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_HISTORY_MESSAGES = 500

_ACTION = "action"
_USER = "user"
_BOT = "bot"


def _user_item(event: dict[str, Any]) -> dict[str, Any]:
    text = event.get("text") or ""
    metadata = event.get("metadata") or {}
    title = metadata.get("display_text") if isinstance(metadata, dict) else None
    visible = title or (None if text.startswith("/") else text)
    return {"kind": _USER, "text": visible, "timestamp": event.get("timestamp")}


def _bot_items(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages one bot event became on the channel.

    Mirrors ``OutputChannel.send_response`` with ``CollectingOutputChannel``:
    a text without buttons is split into one message per paragraph, and a
    custom payload is a message of its own.
    """
    data = event.get("data") or {}
    text = event.get("text") or ""
    buttons = data.get("buttons") or data.get("quick_replies") or []

    def item(text: str | None, buttons: list, custom: Any) -> dict[str, Any]:
        return {
            "kind": _BOT,
            "text": text,
            "buttons": buttons,
            "custom": custom,
            "timestamp": event.get("timestamp"),
        }

    if buttons:
        items = [item(text, buttons, None)]
    else:
        items = [item(part, [], None) for part in text.strip().split("\n\n") if text]
    if data.get("custom"):
        items.append(item(None, [], data["custom"]))
    return items


def _pop_through(items: list[dict[str, Any]], kind: str) -> None:
    # Mirrors DialogueStateTracker._undo_till_previous on the visible items.
    while items:
        if items.pop()["kind"] == kind:
            return


def visible_messages(
    events: Iterable[dict[str, Any]], limit: int = MAX_HISTORY_MESSAGES
) -> list[dict[str, Any]]:
    """Messages to show, oldest first, each ``{"sender", "text", ...}``.

    Args:
        events: Tracker events as dicts (``Event.as_dict()``).
        limit: Keep only the most recent this many messages.
    """
    items: list[dict[str, Any]] = []
    for event in events:
        name = event.get("event")
        if name == "action":
            items.append({"kind": _ACTION})
        elif name == "user":
            items.append(_user_item(event))
        elif name == "bot":
            items.extend(_bot_items(event))
        elif name == "rewind":
            _pop_through(items, _USER)
            _pop_through(items, _ACTION)
        elif name == "undo":
            _pop_through(items, _ACTION)
    messages = []
    for item in items:
        if item["kind"] == _USER and item["text"]:
            messages.append(
                {"sender": "user", "text": item["text"], "timestamp": item["timestamp"]}
            )
        elif item["kind"] == _BOT:
            messages.append(
                {
                    "sender": "bot",
                    "text": item["text"],
                    "buttons": item["buttons"],
                    "custom": item["custom"],
                    "timestamp": item["timestamp"],
                }
            )
    return messages[-limit:]
