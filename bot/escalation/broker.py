"""Reads of the event broker table that the escalation worker needs.

``EventStream.after`` drops rows whose JSON is corrupt, which would leave a
follower unable to tell how far it has read; the reader here keeps such rows
(with ``data=None``) so the cursor can move past them. The lookups scan in
small chunks and stop early, so a long conversation costs little.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.escalation.timeutil import from_timestamp, iso
from bot.safety.cssrs import QUESTIONS
from bot.store.events import EventStream, broker_events

CHUNK = 100
# The C-SSRS screener: one slot per question, named "cssrs_" + question
# (domain.yml).
CSSRS_SLOTS = {f"cssrs_{question}": question for question in QUESTIONS}
# Events after which Rasa's tracker starts from empty slots.
_SLOT_RESETS = {"restart", "session_started"}


@dataclass(frozen=True)
class BrokerRow:
    """One broker row; ``data`` is ``None`` when its JSON is unusable."""

    position: int
    conversation_id: str
    data: dict[str, Any] | None

    @property
    def type(self) -> str:
        return str(self.data.get("event", "")) if self.data else ""


def _parse(row: Any) -> BrokerRow:
    try:
        data = json.loads(row.data)
    except (TypeError, ValueError):
        data = None
    return BrokerRow(
        row.id, row.sender_id or "", data if isinstance(data, dict) else None
    )


def read_after(stream: EventStream, position: int, limit: int) -> list[BrokerRow]:
    """Rows after ``position``, oldest first, corrupt ones included."""
    query = (
        select(broker_events)
        .where(broker_events.c.id > position)
        .order_by(broker_events.c.id)
        .limit(limit)
    )
    with stream.engine.connect() as connection:
        return [_parse(row) for row in connection.execute(query)]


def _scan(
    stream: EventStream,
    conversation_id: str,
    *,
    after: int,
    before: int,
    backwards: bool,
) -> Iterator[BrokerRow]:
    """Rows of one conversation strictly between two positions, chunk by chunk."""
    low, high = after, before
    while True:
        query = select(broker_events).where(
            broker_events.c.sender_id == conversation_id,
            broker_events.c.id > low,
            broker_events.c.id < high,
        )
        order = broker_events.c.id.desc() if backwards else broker_events.c.id
        with stream.engine.connect() as connection:
            rows = [
                _parse(row)
                for row in connection.execute(query.order_by(order).limit(CHUNK))
            ]
        yield from rows
        if len(rows) < CHUNK:
            return
        if backwards:
            high = rows[-1].position
        else:
            low = rows[-1].position


def previous_user_messages(
    stream: EventStream, conversation_id: str, before: int, fallback: datetime
) -> list[dict[str, Any]]:
    """Up to five user messages before ``before``, oldest first, verbatim."""
    found: list[dict[str, Any]] = []
    for row in _scan(stream, conversation_id, after=0, before=before, backwards=True):
        if row.type != "user":
            continue
        text = row.data.get("text")
        found.append(
            {
                "position": row.position,
                "text": text if isinstance(text, str) else "",
                "at": iso(from_timestamp(row.data.get("timestamp"), fallback)),
            }
        )
        if len(found) == 5:
            break
    return found[::-1]


def user_message_between(
    stream: EventStream, conversation_id: str, after: int, before: int
) -> bool:
    """True when the conversation has a user message strictly between the two."""
    rows = _scan(stream, conversation_id, after=after, before=before, backwards=False)
    return any(row.type == "user" for row in rows)


def cssrs_answers(
    stream: EventStream, conversation_id: str, up_to: int
) -> dict[str, bool | None]:
    """The screener answers as the tracker holds them at position ``up_to``.

    Replays the conversation backwards: the latest value of each screener slot
    wins, and a restart or new session (which empties Rasa's slots) ends the
    search. Values other than true/false read as unanswered (``None``).

    Returns:
        Every question of ``bot.safety.cssrs.QUESTIONS`` mapped to True, False or None.
    """
    answers: dict[str, bool | None] = {}
    for row in _scan(
        stream, conversation_id, after=0, before=up_to + 1, backwards=True
    ):
        if row.type in _SLOT_RESETS:
            break
        name = row.data.get("name") if row.type == "slot" else None
        question = CSSRS_SLOTS.get(name) if isinstance(name, str) else None
        if question and question not in answers:
            value = row.data.get("value")
            answers[question] = value if isinstance(value, bool) else None
            if len(answers) == len(QUESTIONS):
                break
    return {question: answers.get(question) for question in QUESTIONS}
