"""Risk events of a session: the escalation records plus flagged messages.

Escalations come from the clinic worker. A flagged message the worker has not
recorded yet still appears (with no escalation status), so an on-demand
summary never hides a crisis message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.summary.model import RiskEvent
from bot.summary.timeline import Event, to_datetime
from bot.summary.transcript import bot_text, crisis_mark

# Broker and record timestamps of the same message can differ slightly.
MATCH_SLACK = timedelta(seconds=2)
EPOCH = datetime.fromtimestamp(0, tz=timezone.utc)


def _texts(bot_response: Any) -> list[str]:
    texts = []
    for item in bot_response or []:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            texts.append(item["text"])
    return texts


def _from_escalation(escalation: Any) -> RiskEvent:
    return RiskEvent(
        level=escalation.level,
        final_level=escalation.final_level,
        category=escalation.category,
        quote=escalation.message,
        bot_response=_texts(escalation.bot_response),
        escalation_id=escalation.id,
        escalation_status=escalation.status,
        message_at=to_datetime(escalation.message_at),
        acknowledged_at=to_datetime(escalation.acknowledged_at),
    )


def _same_message(escalation: Any, event: Event) -> bool:
    ids = {str(event.position), str(event.data.get("message_id"))}
    if str(escalation.source_event_id) in ids:
        return True
    at, message_at = event.timestamp, to_datetime(escalation.message_at)
    return (
        escalation.message == event.data.get("text")
        and at is not None
        and message_at is not None
        and abs(at - message_at) <= MATCH_SLACK
    )


def _bot_replies(window: Sequence[Event], index: int) -> list[str]:
    replies = []
    for event in window[index + 1 :]:
        if event.type == "user":
            break
        text = bot_text(event) if event.type == "bot" else None
        if text is not None:
            replies.append(text)
    return replies


def _in_span(at: datetime | None, since, until) -> bool:
    if at is None:
        return False
    if since is not None and at < since - MATCH_SLACK:
        return False
    return until is None or at <= until + MATCH_SLACK


def collect_risk_events(
    window: Sequence[Event],
    escalations: Sequence[Any],
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RiskEvent]:
    """Risk events in a session, oldest first.

    Args:
        window: The session's events (applied, in order); when given, its
            first and last timestamps bound the span.
        escalations: ``Escalation`` rows of the conversation.
        since: Start of the span when there are no events.
        until: End of the span when there are no events (``None``: open).
    """
    stamps = [e.timestamp for e in window if e.timestamp is not None]
    if stamps:
        since, until = stamps[0], stamps[-1]
    chosen = [
        e for e in escalations if _in_span(to_datetime(e.message_at), since, until)
    ]
    found = [_from_escalation(e) for e in chosen]
    for index, event in enumerate(window):
        mark = crisis_mark(event)
        if mark is None or any(_same_message(e, event) for e in chosen):
            continue
        found.append(
            RiskEvent(
                level=mark.level,
                category=mark.category,
                quote=event.data.get("text") or "",
                bot_response=_bot_replies(window, index),
                message_at=event.timestamp,
            )
        )
    return sorted(found, key=lambda risk: risk.message_at or EPOCH)
