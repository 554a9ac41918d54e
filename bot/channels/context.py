"""What came before a message, read on the server from the tracker store.

From one read of the tracker:

- the patient's last few messages, for the crisis check (method-seeking after
  distress in an earlier turn), under ``RECENT_MESSAGES_KEY``;
- the dialogue state (active form, requested slot, the bot's last response),
  under ``DIALOGUE_STATE_KEY``, so that an answer is read against the question
  it answers (:mod:`bot.reflection.understanding`);
- the buttons the bot offered since the patient last wrote, so that a button
  press can carry only what a button offered (``offered``, not metadata).

All of it comes from the tracker store, never from the client.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.components.answer_interpreter import DIALOGUE_STATE_KEY
from bot.components.crisis_detector import MAX_CONTEXT_MESSAGES, RECENT_MESSAGES_KEY
from bot.reflection.understanding import DialogueState

logger = logging.getLogger(__name__)


@dataclass
class ConversationContext:
    """What the channel knows about a conversation before the next message."""

    metadata: dict[str, Any] = field(default_factory=dict)
    offered: list[dict[str, str]] = field(default_factory=list)


async def conversation_context(agent: Any, conversation_id: str) -> dict[str, Any]:
    """Metadata to attach to the next message; ``{}`` on any failure."""
    return (await read_conversation(agent, conversation_id)).metadata


async def read_conversation(agent: Any, conversation_id: str) -> ConversationContext:
    """The context of ``conversation_id``; empty on any failure."""
    tracker_store = getattr(agent, "tracker_store", None)
    if tracker_store is None:
        return ConversationContext()
    try:
        tracker = await tracker_store.retrieve(conversation_id)
    except Exception:  # noqa: BLE001 - context is a bonus, never a blocker
        logger.warning("could not read the conversation context")
        return ConversationContext()
    if tracker is None:  # a new conversation: nothing has been asked yet
        return ConversationContext({DIALOGUE_STATE_KEY: DialogueState().to_dict()})
    texts = [
        event.text
        for event in tracker.events
        if isinstance(event, UserUttered) and isinstance(event.text, str)
    ]
    last_action = next(
        (
            event.action_name
            for event in reversed(tracker.events)
            if isinstance(event, ActionExecuted)
            and event.action_name not in (None, ACTION_LISTEN_NAME)
        ),
        None,
    )
    requested = tracker.get_slot("requested_slot")
    state = DialogueState(
        active_loop=tracker.active_loop_name,
        requested_slot=requested if isinstance(requested, str) else None,
        last_utterance=last_action,
    )
    metadata: dict[str, Any] = {DIALOGUE_STATE_KEY: state.to_dict()}
    if texts:
        metadata[RECENT_MESSAGES_KEY] = texts[-MAX_CONTEXT_MESSAGES:]
    return ConversationContext(metadata, offered_buttons(tracker.events))


def offered_buttons(events: list[Any]) -> list[dict[str, str]]:
    """The buttons of the bot's messages since the patient's last message."""
    offered: list[dict[str, str]] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            for button in (event.data or {}).get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    offered.append(
                        {
                            "payload": button["payload"],
                            "title": str(button.get("title") or ""),
                        }
                    )
    return offered
