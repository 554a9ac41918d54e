"""Event normalisation and Rasa's rewind semantics.

Rasa keeps reverted events in the tracker and the broker stream; what counts is
the result of ``DialogueStateTracker.applied_events``. We apply the same
``rewind`` (UserUtteranceReverted) and ``undo`` (ActionReverted) rules but keep
``session_started`` and ``restart`` as boundaries instead of dropping the history
before them: a summary spans Rasa sessions and a transcript shows everything.
Rasa also hides form-internal turns from its policies; those are real patient
messages, so they stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.store.events import StreamEvent
from bot.store.types import as_utc

BOUNDARIES = ("session_started", "restart")


@dataclass(frozen=True)
class Event:
    """A Rasa event dict with its broker position (``None`` outside the broker)."""

    data: Mapping[str, Any]
    position: int | None = None

    @property
    def type(self) -> str:
        return self.data.get("event", "")

    @property
    def timestamp(self) -> datetime | None:
        return to_datetime(self.data.get("timestamp"))

    @property
    def name(self) -> str | None:
        return self.data.get("name")


EventLike = Event | StreamEvent | Mapping[str, Any]


def to_datetime(timestamp: Any) -> datetime | None:
    """A Rasa timestamp (seconds since the epoch) as an aware UTC datetime."""
    if isinstance(timestamp, datetime):
        return as_utc(timestamp)
    if isinstance(timestamp, (int, float)) and not isinstance(timestamp, bool):
        return datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return None


def normalise(events: Iterable[EventLike]) -> list[Event]:
    """Accept broker rows, ``Event`` objects or plain Rasa event dicts."""
    result: list[Event] = []
    for event in events:
        if isinstance(event, Event):
            result.append(event)
        elif isinstance(event, StreamEvent):
            result.append(Event(event.data, event.position))
        elif isinstance(event, Mapping):
            result.append(Event(event))
    return result


def _undo_till(event_type: str, done: list[Event]) -> None:
    # Like Rasa's _undo_till_previous, but a boundary is never removed: in Rasa
    # the applied list restarts at the boundary, so nothing before it is reachable.
    while done and done[-1].type not in BOUNDARIES:
        removed = done.pop()
        if removed.type == event_type:
            return


def applied_events(events: Iterable[EventLike]) -> list[Event]:
    """The events that still count after rewinds and undos, oldest first."""
    done: list[Event] = []
    for event in normalise(events):
        if event.type == "rewind":
            _undo_till("user", done)
            _undo_till("action", done)
        elif event.type == "undo":
            _undo_till("action", done)
        else:
            done.append(event)
    return done
