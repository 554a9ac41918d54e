"""Finding reflection sessions in a conversation's events.

A session starts when ``reflection_form`` becomes active for the first time
after the previous reflection completed, pauses when the loop is deactivated
without ``mood_after`` (or when a Rasa session starts, since the active loop is
not carried over), resumes when the loop is activated again, and completes
when the loop ends with ``mood_after`` set. A ``restart`` ends an unfinished
session. A new reflection record can split an unfinished session: when the
action server announces a different ``reflection_id`` while it is paused, or
a record started between its start and a later activation, that activation
begins a new session instead of resuming the old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.reflection.steps import (
    ANSWER_FIELDS,
    COMPLETION_SLOT,
    REFLECTION_FORM,
    is_answered,
)
from bot.summary.timeline import Event, EventLike, applied_events

REQUESTED_SLOT = "requested_slot"
ANSWER_SLOTS = frozenset(ANSWER_FIELDS)
# Set by the action server to the id of the reflection record.
RECORD_SLOT = "reflection_id"
# How far apart a record's start and the form activation may be and still
# describe the same start (the action server writes the record around it).
START_SLACK = timedelta(minutes=1)

# (Reflection.id, Reflection.started_at)
RecordStart = tuple[Any, datetime]


@dataclass
class SessionSpan:
    """One reflection session as the events show it."""

    started_at: datetime | None
    start_index: int
    answers: dict[str, Any] = field(default_factory=dict)
    active: bool = True
    completed: bool = False
    end_reason: str | None = None  # completed | restarted | superseded
    ended_at: datetime | None = None
    last_activity_at: datetime | None = None
    pause_count: int = 0
    resume_count: int = 0
    requested_slot: str | None = None
    # Reflection record ids the action server announced for this session.
    record_ids: list[int] = field(default_factory=list)
    # Events that belong to the session: from its start up to its end or to
    # the next session (pauses included), indexes into ``events``.
    end_index: int = 0
    events: list[Event] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.end_reason is not None

    def window(self) -> list[Event]:
        """The session's events, start to end."""
        return self.events[self.start_index : self.end_index + 1]


def _assign(answers: dict[str, Any], name: str, value: Any) -> None:
    if value is None:
        answers.pop(name, None)
    else:
        answers[name] = value


class _Segmenter:
    def __init__(self, events: list[Event], records: Sequence[RecordStart]):
        self.events = events
        self.records = list(records)
        self.sessions: list[SessionSpan] = []
        self.current: SessionSpan | None = None
        self.loop: str | None = None
        # Answer slots set since the last completion: the opening question is
        # asked before the form starts.
        # Answer slots changed while no session was active (None = cleared).
        self.outside: dict[str, Any] = {}
        self.fresh_record_id: int | None = None
        self.carrying_over = False
        self.index = 0

    def run(self) -> list[SessionSpan]:
        for index, event in enumerate(self.events):
            self.index = index
            self._step(index, event)
            if self.current is not None:
                self.current.end_index = index
        return self.sessions

    def _step(self, index: int, event: Event) -> None:
        kind = event.type
        if kind == "session_started":
            # Rasa drops the active loop; the slots come back as slot events.
            if self.current is not None and self.current.active:
                self._pause()
            self.loop = None
            self.carrying_over = True
            return
        if kind == "restart":
            if self.current is not None:
                self._end("restarted", event.timestamp)
            self.loop = None
            self.outside, self.fresh_record_id = {}, None
            return
        if kind == "slot":
            self._slot(event)
            return
        self.carrying_over = False
        if kind in ("active_loop", "form"):
            self._loop(index, event)
        elif kind == "user" and self.current is not None:
            self.current.last_activity_at = event.timestamp

    def _slot(self, event: Event) -> None:
        if self.carrying_over:
            return  # the same values again, not an answer
        name, value = event.data.get("name"), event.data.get("value")
        current = self.current
        if name == REQUESTED_SLOT and current is not None and current.active:
            current.requested_slot = value
        if name == RECORD_SLOT and isinstance(value, int):
            self._record_id(value)
        if name not in ANSWER_SLOTS:
            return
        if current is not None and current.active:
            _assign(current.answers, name, value)
            current.last_activity_at = event.timestamp or current.last_activity_at
        else:
            # Outside the form: the opening question, or resets before a new
            # reflection; applied on resume or start (see _loop).
            self.outside[name] = value

    def _record_id(self, record_id: int) -> None:
        current = self.current
        if current is not None:
            if record_id in current.record_ids:
                return
            if current.active or not current.record_ids:
                # Saved late (an earlier save failed) or mid-session.
                current.record_ids.append(record_id)
            else:
                # A different record while paused: the next activation is a
                # new reflection.
                self.fresh_record_id = record_id
        elif not any(record_id in done.record_ids for done in self.sessions):
            # The start action announces the new record before the form runs;
            # a finished session's id (saved again at completion) is not new.
            self.fresh_record_id = record_id

    def _loop(self, index: int, event: Event) -> None:
        name = event.name
        if name == REFLECTION_FORM:
            if self.loop == REFLECTION_FORM:
                return
            if self.current is not None and (
                self.fresh_record_id is not None or self._record_started_since(event)
            ):
                self._end("superseded", self.current.last_activity_at)
            if self.current is None:
                self._start(index, event)
            else:
                self.current.active = True
                self.current.resume_count += 1
                self.current.last_activity_at = event.timestamp
                for name, value in self.outside.items():
                    _assign(self.current.answers, name, value)
                self.outside = {}
        elif self.loop == REFLECTION_FORM and self.current is not None:
            if is_answered(self.current.answers.get(COMPLETION_SLOT)):
                self.current.completed = True
                self.current.last_activity_at = event.timestamp
                self._end("completed", event.timestamp)
                self.outside, self.fresh_record_id = {}, None
            else:
                self._pause()
        self.loop = name

    def _record_started_since(self, event: Event) -> bool:
        # A record this session already announced (say its first save failed
        # and a later one created it) does not start a new session.
        start, now = self.current.started_at, event.timestamp
        if start is None or now is None:
            return False
        return any(
            start + START_SLACK < record_start <= now + START_SLACK
            and record_id not in self.current.record_ids
            for record_id, record_start in self.records
        )

    def _start(self, index: int, event: Event) -> None:
        self.current = SessionSpan(
            started_at=event.timestamp,
            start_index=index,
            answers={k: v for k, v in self.outside.items() if v is not None},
            record_ids=[self.fresh_record_id] if self.fresh_record_id else [],
            last_activity_at=event.timestamp,
            end_index=index,
            events=self.events,
        )
        self.outside, self.fresh_record_id = {}, None
        self.sessions.append(self.current)

    def _pause(self) -> None:
        self.current.active = False
        self.current.pause_count += 1

    def _end(self, reason: str, at: datetime | None) -> None:
        self.current.active = False
        self.current.end_reason = reason
        self.current.ended_at = at or self.current.last_activity_at
        # A superseding activation already belongs to the next session.
        self.current.end_index = self.index - (reason == "superseded")
        self.current = None


def find_sessions(
    events: Iterable[EventLike], records: Sequence[RecordStart] = ()
) -> list[SessionSpan]:
    """Reflection sessions in a conversation's events, oldest first.

    Args:
        events: The conversation's events (rewinds are applied here).
        records: ``(id, started_at)`` of the conversation's reflection
            records, used to split a session when a new record began without
            the old one finishing.
    """
    return _Segmenter(applied_events(events), records).run()
