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
# How the clinic worker names an escalation's broker event (bot.escalation.ingest).
SOURCE_PREFIX = "broker:"
EPOCH = datetime.fromtimestamp(0, tz=timezone.utc)


def _texts(bot_response: Any) -> list[str]:
    texts = []
    for item in bot_response or []:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            texts.append(item["text"])
    return texts


def _from_escalation(escalation: Any, retracted: bool) -> RiskEvent:
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
        retracted=retracted,
    )


def _same_message(escalation: Any, event: Event) -> bool:
    ids = {f"{SOURCE_PREFIX}{event.position}", str(event.data.get("message_id"))}
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
    escalations: Sequence[Any],
    since: datetime | None,
    until: datetime | None,
    events: Sequence[Event] = (),
    applied: Sequence[Event] | None = None,
) -> list[RiskEvent]:
    """Risk events between ``since`` and ``until`` (open when ``None``), oldest first.

    Args:
        escalations: ``Escalation`` rows of the conversation.
        since: Start of the session.
        until: End of the session (``None`` while it runs).
        events: The conversation's events with rewound ones still in: a
            flagged message the patient took back is still a risk event.
        applied: The events left after rewinds, to mark retracted messages.
    """
    kept = {id(event) for event in applied} if applied is not None else None
    flagged = [
        (index, event)
        for index, event in enumerate(events)
        if crisis_mark(event) is not None and _in_span(event.timestamp, since, until)
    ]

    def retracted(event: Event | None) -> bool:
        return event is not None and kept is not None and id(event) not in kept

    found, matched = [], set()
    for escalation in escalations:
        if not _in_span(to_datetime(escalation.message_at), since, until):
            continue
        source = next((e for _, e in flagged if _same_message(escalation, e)), None)
        if source is not None:
            matched.add(id(source))
        found.append(_from_escalation(escalation, retracted(source)))
    for index, event in flagged:
        if id(event) in matched:
            continue
        mark = crisis_mark(event)
        found.append(
            RiskEvent(
                level=mark.level,
                category=mark.category,
                quote=event.data.get("text") or "",
                bot_response=_bot_replies(events, index),
                message_at=event.timestamp,
                retracted=retracted(event),
            )
        )
    return sorted(found, key=lambda risk: risk.message_at or EPOCH)
