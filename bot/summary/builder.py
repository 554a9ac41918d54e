"""Building session summaries from the reflection record and the events.

The structured record (``Reflection``) is preferred for answers; the events
give timing, pauses and the transcript, and stand in for the record when the
action server never wrote one. Nothing is added that neither source holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.reflection.infusion import infusion_reflected_on
from bot.reflection.steps import (
    ANSWER_FIELDS,
    HOURS_SLOT,
    SLOT_STEP,
    STEP_NAMES,
    is_answered,
    step_status,
)
from bot.summary.model import (
    BeforeAfter,
    Completeness,
    Evidence,
    InfusionRef,
    PatientRef,
    RiskEvent,
    Summary,
    ThoughtRecord,
    Traps,
)
from bot.summary.narrative import build_narrative
from bot.summary.risk import collect_risk_events
from bot.summary.sessions import START_SLACK, SessionSpan, find_sessions
from bot.summary.timeline import Event, EventLike, normalise, to_datetime

DEFAULT_INACTIVITY_MINUTES = 120.0
# A record may be written a little before the form activates (the opening
# question runs first).
RECORD_LEAD = timedelta(minutes=10)


@dataclass
class _Pair:
    reflection: Any = None
    session: SessionSpan | None = None

    @property
    def started_at(self) -> datetime | None:
        if self.session is not None and self.session.started_at is not None:
            return self.session.started_at
        return to_datetime(getattr(self.reflection, "started_at", None))


def _record_window_matches(reflection: Any, session: SessionSpan) -> bool:
    start = to_datetime(reflection.started_at)
    if start is None or session.started_at is None:
        return False
    end = session.ended_at if session.finished else None
    if start < session.started_at - RECORD_LEAD:
        return False
    return end is None or start <= end + START_SLACK


def pair_sessions(
    reflections: Sequence[Any], sessions: Sequence[SessionSpan]
) -> list[_Pair]:
    """Match reflection records to event sessions, oldest first.

    The record id the action server put in the ``reflection_id`` slot decides;
    records without one are matched by their start time.
    """
    pairs = [_Pair(session=session) for session in sessions]
    unmatched = []
    for reflection in reflections:
        owner = next(
            (
                pair
                for pair in pairs
                if pair.reflection is None and reflection.id in pair.session.record_ids
            ),
            None,
        )
        if owner is not None:
            owner.reflection = reflection
        else:
            unmatched.append(reflection)
    for reflection in sorted(unmatched, key=lambda r: to_datetime(r.started_at)):
        start = to_datetime(reflection.started_at)
        candidates = [
            pair
            for pair in pairs
            if pair.reflection is None
            and pair.session is not None
            and _record_window_matches(reflection, pair.session)
        ]
        if candidates:
            best = min(candidates, key=lambda p: abs(p.session.started_at - start))
            best.reflection = reflection
        else:
            pairs.append(_Pair(reflection=reflection))
    far_future = datetime.max.replace(tzinfo=timezone.utc)
    return sorted(pairs, key=lambda pair: pair.started_at or far_future)


def _clean(value: Any) -> Any:
    """JSON-friendly answer values; integral floats become ints (6.0 -> 6)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value)


def _merge_answers(
    record: Mapping[str, Any], events: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    answers: dict[str, Any] = {}
    mismatches: list[str] = []
    for slot in ANSWER_FIELDS:
        from_record = _clean(record.get(slot))
        from_events = _clean(events.get(slot))
        if is_answered(from_record):
            answers[slot] = from_record
            if is_answered(from_events) and from_events != from_record:
                mismatches.append(slot)
        elif is_answered(from_events):
            answers[slot] = from_events
    return answers, sorted(mismatches)


def _step_status(record_status: Mapping[str, str], answers: Mapping[str, Any]):
    # The record wins, except where it still says "open" but the answers
    # (filled in from the events) show progress it missed.
    derived = step_status(answers)
    status = {}
    for step in STEP_NAMES:
        recorded = record_status.get(step)
        status[step] = recorded if recorded and recorded != "open" else derived[step]
    return status


def _stopped_at(
    status: str, session: SessionSpan | None, steps: Mapping[str, str]
) -> str | None:
    if status == "complete":
        return None
    if session is not None and session.requested_slot in SLOT_STEP:
        return SLOT_STEP[session.requested_slot]
    return next((s for s in STEP_NAMES if steps[s] in ("open", "partial")), None)


def _completeness(
    steps: dict[str, str],
    pauses: int,
    resumes: int,
    stopped_at: str | None,
    paused_now: bool,
) -> Completeness:
    return Completeness(
        steps=steps,
        done=[s for s in STEP_NAMES if steps[s] == "done"],
        skipped=[s for s in STEP_NAMES if steps[s] == "skipped"],
        partial=[s for s in STEP_NAMES if steps[s] == "partial"],
        open=[s for s in STEP_NAMES if steps[s] == "open"],
        paused=pauses > 0,
        paused_now=paused_now,
        pause_count=pauses,
        resume_count=resumes,
        stopped_at_step=stopped_at,
    )


def _infusion(
    reflection: Any, answers: Mapping[str, Any], infusions: Sequence[Any], start
) -> InfusionRef:
    number = getattr(reflection, "infusion_number", None)
    hours = getattr(reflection, "hours_since_infusion", None)
    if hours is None and isinstance(answers.get(HOURS_SLOT), (int, float)):
        hours = answers[HOURS_SLOT]
    dated = [i for i in infusions if to_datetime(i.administered_at) is not None]
    match = next((i for i in dated if number is not None and i.number == number), None)
    if match is None and number is None and start is not None:
        match = infusion_reflected_on(dated, start, hours)
    administered_at = to_datetime(match.administered_at) if match else None
    if number is None and match is not None:
        number = match.number
    source = "patient" if hours is not None else None
    if hours is None and administered_at is not None and start is not None:
        hours = round((start - administered_at).total_seconds() / 3600, 1)
        source = "clinic_record"
    return InfusionRef(
        number=number,
        administered_at=administered_at,
        hours_since=float(hours) if hours is not None else None,
        hours_since_source=source,
    )


def _status(
    reflection: Any,
    session: SessionSpan | None,
    last_activity: datetime | None,
    now: datetime,
    inactivity: timedelta,
) -> tuple[str, str | None]:
    record_status = getattr(reflection, "status", None)
    if record_status == "completed" or (session is not None and session.completed):
        return "complete", "completed"
    if session is not None and session.end_reason is not None:
        return "partial", session.end_reason
    if record_status == "abandoned":
        return "partial", "abandoned"
    if last_activity is None or now - last_activity >= inactivity:
        return "partial", "inactive"
    return "in_progress", None


def _times(reflection: Any, session: SessionSpan | None):
    record_start = to_datetime(getattr(reflection, "started_at", None))
    record_end = to_datetime(getattr(reflection, "completed_at", None))
    record_seen = to_datetime(getattr(reflection, "updated_at", None))
    if session is None:
        return record_start, record_end, record_end or record_seen
    started = session.started_at or record_start
    last = max(
        (t for t in (session.last_activity_at, session.ended_at) if t is not None),
        default=None,
    )
    return started, session.ended_at or record_end, last or record_seen


def summarise_pair(
    pair: _Pair,
    *,
    conversation_id: str,
    patient: Any = None,
    infusions: Sequence[Any] = (),
    escalations: Sequence[Any] = (),
    raw_events: Sequence[Event] = (),
    now: datetime,
    inactivity_minutes: float = DEFAULT_INACTIVITY_MINUTES,
) -> Summary:
    """The summary of one session (a record, an event span, or both).

    ``raw_events`` are the conversation's normalised events before rewinds
    (the session's own events come from ``pair.session``).
    """
    reflection, session = pair.reflection, pair.session
    answers, mismatches = _merge_answers(
        getattr(reflection, "answers", None) or {},
        session.answers if session is not None else {},
    )
    started, ended, last_activity = _times(reflection, session)
    status, end_reason = _status(
        reflection, session, last_activity, now, timedelta(minutes=inactivity_minutes)
    )
    if status == "partial" and ended is None:
        ended = last_activity
    if session is not None:
        pauses, resumes = session.pause_count, session.resume_count
        paused = not session.active
    else:
        pauses = getattr(reflection, "pause_count", 0) or 0
        resumes = getattr(reflection, "resume_count", 0) or 0
        paused = getattr(reflection, "status", None) == "paused"
    steps = _step_status(getattr(reflection, "step_status", None) or {}, answers)
    completeness = _completeness(
        steps,
        pauses,
        resumes,
        _stopped_at(status, session, steps),
        paused_now=paused and status == "in_progress",
    )
    until = ended or last_activity
    duration = None
    if started is not None and until is not None:
        duration = round((until - started).total_seconds() / 60, 1)
    summary = Summary(
        session_key=_session_key(reflection, session, conversation_id),
        reflection_id=getattr(reflection, "id", None),
        patient=_patient_ref(patient, reflection, conversation_id),
        infusion=_infusion(reflection, answers, infusions, started),
        status=status,
        end_reason=end_reason,
        started_at=started,
        ended_at=ended if status != "in_progress" else None,
        last_activity_at=last_activity,
        duration_minutes=duration,
        previous_followup=answers.get("previous_followup"),
        mood=BeforeAfter(
            before=answers.get("mood_before"), after=answers.get("mood_after")
        ),
        anxiety=BeforeAfter(
            before=answers.get("anxiety_before"), after=answers.get("anxiety_after")
        ),
        body_check=answers.get("body_check"),
        infusion_highlight=answers.get("infusion_highlight"),
        loop=ThoughtRecord(
            thought=answers.get("thought"),
            belief=BeforeAfter(
                before=answers.get("belief_before"), after=answers.get("belief_after")
            ),
            emotion=answers.get("emotion"),
            emotion_intensity=BeforeAfter(
                before=answers.get("emotion_intensity_before"),
                after=answers.get("emotion_intensity_after"),
            ),
        ),
        traps=Traps(
            suggested=answers.get("traps_suggested"),
            chosen=answers.get("traps_chosen"),
        ),
        evidence=Evidence(
            for_thought=answers.get("evidence_for"),
            against_thought=answers.get("evidence_against"),
        ),
        reframe=answers.get("reframe"),
        intention=answers.get("intention"),
        therapy_note=answers.get("therapy_note"),
        risk_events=_risk_events(
            session, raw_events, escalations, started, ended, status
        ),
        completeness=completeness,
        sources=[
            name
            for name, present in (("record", reflection), ("events", session))
            if present is not None
        ],
        source_mismatches=mismatches,
        generated_at=now,
    )
    summary.narrative = build_narrative(summary)
    return summary


def _risk_events(
    session: SessionSpan | None,
    raw_events: Sequence[Event],
    escalations: Sequence[Any],
    started: datetime | None,
    ended: datetime | None,
    status: str,
) -> list[RiskEvent]:
    if session is None:
        # Record only: escalations of the conversation within the record's times.
        end = ended if status != "in_progress" else None
        return collect_risk_events(escalations, started, end)
    stamps = [e.timestamp for e in session.window() if e.timestamp is not None]
    # An ended session spans up to its last event; a running one is open.
    until = stamps[-1] if status != "in_progress" and stamps else None
    return collect_risk_events(
        escalations, started, until, events=raw_events, applied=session.events
    )


def _session_key(reflection: Any, session, conversation_id: str) -> str:
    if reflection is not None and getattr(reflection, "id", None) is not None:
        return f"reflection:{reflection.id}"
    start = session.started_at.isoformat() if session and session.started_at else ""
    return f"events:{conversation_id}:{start}"


def _patient_ref(patient: Any, reflection: Any, conversation_id: str) -> PatientRef:
    return PatientRef(
        conversation_id=conversation_id,
        patient_id=getattr(patient, "id", None)
        or getattr(reflection, "patient_id", None),
        display_name=getattr(patient, "display_name", None),
        therapist_id=getattr(patient, "therapist_id", None),
    )


def _conversation_id(reflection, patient, events) -> str | None:
    for source in (reflection, patient):
        if getattr(source, "conversation_id", None):
            return source.conversation_id
    for event in events:
        sender = event.data.get("sender_id")
        if sender:
            return sender
    return None


def build_summaries(
    events: Iterable[EventLike] = (),
    reflections: Sequence[Any] = (),
    *,
    conversation_id: str | None = None,
    patient: Any = None,
    infusions: Sequence[Any] = (),
    escalations: Sequence[Any] = (),
    now: datetime | None = None,
    inactivity_minutes: float = DEFAULT_INACTIVITY_MINUTES,
) -> list[Summary]:
    """Every reflection session of one conversation, oldest first.

    Args:
        events: The conversation's Rasa events (dicts or broker rows).
        reflections: The conversation's ``Reflection`` records.
        conversation_id: Needed only when neither a record, the patient nor
            the events name it.
        patient: The ``Patient`` (for the name, id and therapist).
        infusions: The patient's ``Infusion`` rows.
        escalations: The conversation's ``Escalation`` rows.
        now: The time for "in progress" versus "inactive" (default: now).
        inactivity_minutes: After this long without activity an unfinished
            session counts as partial.
    """
    events = normalise(events)
    reflections = [r for r in reflections if to_datetime(r.started_at) is not None]
    sessions = find_sessions(
        events, [(r.id, to_datetime(r.started_at)) for r in reflections]
    )
    conversation_id = conversation_id or _conversation_id(
        reflections[0] if reflections else None, patient, events
    )
    if conversation_id is None:
        raise ValueError("cannot tell which conversation the events belong to")
    now = now or datetime.now(timezone.utc)
    return [
        summarise_pair(
            pair,
            conversation_id=conversation_id,
            patient=patient,
            infusions=infusions,
            escalations=escalations,
            raw_events=events,
            now=now,
            inactivity_minutes=inactivity_minutes,
        )
        for pair in pair_sessions(reflections, sessions)
    ]


def build_summary(
    reflection: Any = None,
    events: Iterable[EventLike] = (),
    **context: Any,
) -> Summary:
    """The summary of one reflection, or of the latest session in the events.

    Takes the same keyword arguments as ``build_summaries``.

    Raises:
        LookupError: when there is no such session.
    """
    reflections = [reflection] if reflection is not None else []
    summaries = build_summaries(events, reflections, **context)
    if reflection is not None:
        summaries = [s for s in summaries if "record" in s.sources]
    if not summaries:
        raise LookupError("no reflection session found")
    return summaries[-1]
