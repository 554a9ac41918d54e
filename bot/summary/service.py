"""Summary delivery: store summaries when sessions end and queue notifications.

The clinic worker calls ``process_due`` on every loop. A completed reflection
gets a ``completed`` summary; a session idle for ``summaries.inactivity_minutes``
(or ended by a restart) gets an ``inactive`` one. Both are stored once per
session; a completion after an ``inactive`` summary adds a new row that
supersedes it. Notifications only enter the outbox; the worker delivers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.config import ClinicConfig, Summaries
from bot.store import (
    Escalation,
    Infusion,
    Notification,
    Patient,
    Reflection,
    SessionSummary,
)
from bot.store.db import Database
from bot.store.events import EventStream, broker_events
from bot.summary.builder import build_summaries
from bot.summary.model import Summary
from bot.summary.render import render_markdown
from bot.summary.timeline import to_datetime

COMPLETED, INACTIVE = "completed", "inactive"
PAGE_SIZE = 2000


class UnknownConversation(LookupError):
    """No patient, reflection or event has this conversation id."""


class NoSession(LookupError):
    """The conversation exists but has no reflection session yet."""


@dataclass
class ConversationData:
    """What the builders need about one conversation, loaded in one go."""

    conversation_id: str
    patient: Patient | None
    reflections: list[Reflection]
    infusions: list[Infusion]
    escalations: list[Escalation]
    events: list[Any] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.patient or self.reflections or self.events)


def load_conversation(
    session: Session, stream: EventStream, conversation_id: str
) -> ConversationData:
    """The patient, records, escalations and events of one conversation."""
    patient = session.execute(
        select(Patient).where(Patient.conversation_id == conversation_id)
    ).scalar_one_or_none()
    reflections = (
        session.execute(
            select(Reflection)
            .where(Reflection.conversation_id == conversation_id)
            .order_by(Reflection.started_at)
        )
        .scalars()
        .all()
    )
    escalations = (
        session.execute(
            select(Escalation)
            .where(Escalation.conversation_id == conversation_id)
            .order_by(Escalation.message_at)
        )
        .scalars()
        .all()
    )
    return ConversationData(
        conversation_id=conversation_id,
        patient=patient,
        reflections=list(reflections),
        infusions=list(patient.infusions) if patient is not None else [],
        escalations=list(escalations),
        events=stream.conversation(conversation_id),
    )


def _summaries_settings(config: ClinicConfig | None) -> Summaries:
    return config.summaries if config is not None else Summaries()


def conversation_summaries(
    data: ConversationData,
    now: datetime | None = None,
    config: ClinicConfig | None = None,
) -> list[Summary]:
    """Fresh summaries of every reflection session of a loaded conversation."""
    return build_summaries(
        data.events,
        data.reflections,
        conversation_id=data.conversation_id,
        patient=data.patient,
        infusions=data.infusions,
        escalations=data.escalations,
        now=_utc(now),
        inactivity_minutes=_summaries_settings(config).inactivity_minutes,
    )


def stored_rows(session: Session, conversation_id: str) -> list[SessionSummary]:
    """Stored summaries of a conversation, oldest first."""
    query = (
        select(SessionSummary)
        .where(SessionSummary.conversation_id == conversation_id)
        .order_by(SessionSummary.created_at, SessionSummary.id)
    )
    return list(session.execute(query).scalars().all())


def _rows_for(rows: list[SessionSummary], key: str) -> list[SessionSummary]:
    return [row for row in rows if (row.data or {}).get("session_key") == key]


def summary_for_conversation(
    db: Database,
    stream: EventStream,
    conversation_id: str,
    *,
    config: ClinicConfig | None = None,
    now: datetime | None = None,
) -> Summary:
    """The latest session summary of a conversation.

    A finished session returns its newest stored summary when there is one;
    an unfinished one (or one the worker has not stored yet) is built now.

    Raises:
        UnknownConversation: nothing is known about the conversation.
        NoSession: the conversation has no reflection session.
    """
    with db.session() as session:
        data = load_conversation(session, stream, conversation_id)
        if not data.known:
            raise UnknownConversation(f"unknown conversation id {conversation_id!r}")
        summaries = conversation_summaries(data, now, config)
        if not summaries:
            raise NoSession(f"conversation {conversation_id!r} has no reflection yet")
        latest = summaries[-1]
        if latest.status == "in_progress":
            return latest
        rows = [
            row
            for row in _rows_for(
                stored_rows(session, conversation_id), latest.session_key
            )
            if row.data.get("status") == latest.status
        ]
        # A stored snapshot is what the therapist was sent; a stale one (say
        # "inactive" before the patient finished) is not.
        return Summary.parse_obj(rows[-1].data) if rows else latest


def load_stored_summary(db: Database, summary_id: int) -> Summary | None:
    """A stored summary by ``SessionSummary.id`` (the id in portal links).

    When a later row of the same session superseded it, the newest is returned.
    """
    with db.session() as session:
        row = session.get(SessionSummary, summary_id)
        if row is None:
            return None
        key = (row.data or {}).get("session_key")
        rows = _rows_for(stored_rows(session, row.conversation_id), key) or [row]
        return Summary.parse_obj(rows[-1].data)


# -- the worker's entry point ------------------------------------------------


@dataclass
class _Watch:
    """What one worker process remembers between loops (per database pair)."""

    position: int | None = None
    open_conversations: set[str] = field(default_factory=set)


_WATCHES: dict[tuple[str, str], _Watch] = {}


def _utc(now: datetime | None) -> datetime:
    return to_datetime(now) if now is not None else datetime.now(timezone.utc)


def _new_conversations(stream: EventStream, watch: _Watch) -> set[str]:
    # The first loop of a process looks at every conversation once; later
    # loops only at conversations with new events.
    if watch.position is None:
        with stream.engine.connect() as connection:
            last = connection.execute(select(func.max(broker_events.c.id))).scalar()
        watch.position = last or 0
        return set(stream.conversation_ids())
    touched: set[str] = set()
    while True:
        batch = stream.after(watch.position, limit=PAGE_SIZE)
        for event in batch:
            touched.add(event.conversation_id)
            watch.position = event.position
        if len(batch) < PAGE_SIZE:
            return touched


def _due_record_conversations(session: Session, idle_since: datetime) -> set[str]:
    """Conversations whose records may need a summary.

    That is, completed without a completed summary, or idle without any; the
    event stream brings up the other conversations.
    """
    completed = select(SessionSummary.reflection_id).where(
        SessionSummary.reason == COMPLETED, SessionSummary.reflection_id.isnot(None)
    )
    summarised = select(SessionSummary.reflection_id).where(
        SessionSummary.reflection_id.isnot(None)
    )
    query = select(Reflection.conversation_id).where(
        or_(
            (Reflection.status == "completed") & Reflection.id.not_in(completed),
            (Reflection.status != "completed")
            & (Reflection.updated_at <= idle_since)
            & Reflection.id.not_in(summarised),
        )
    )
    return set(session.execute(query.distinct()).scalars().all())


def portal_link(config: ClinicConfig, summary_id: int) -> str:
    """The portal page of a stored summary (``SessionSummary.id``)."""
    return f"{config.clinic.portal_url.rstrip('/')}/sessions/{summary_id}"


def _notify(
    session: Session,
    row: SessionSummary,
    summary: Summary,
    patient: Patient | None,
    config: ClinicConfig,
    supersedes: int | None,
    now: datetime,
) -> int:
    # Like escalation payloads (bot.escalation.outbox): ids, who, a link; the
    # patient's answers only when the clinic opted in.
    payload: dict[str, Any] = {
        "kind": "summary",
        "clinic": config.clinic.name,
        "reason": row.reason,
        "status": summary.status,
        "summary_id": row.id,
        "reflection_id": row.reflection_id,
        "supersedes": supersedes,
        "patient": summary.patient.label,
        "patient_id": row.patient_id,
        "link": portal_link(config, row.id),
    }
    if config.summaries.include_content:
        payload["summary"] = summary.to_dict()
        payload["markdown"] = render_markdown(summary)
    targets: list[tuple[str, str]] = []
    therapist = patient.therapist if patient is not None else None
    if therapist is not None and therapist.active and therapist.email.strip():
        targets.append(("email", therapist.email.strip().lower()))
    targets += [
        ("webhook", hook.url)
        for hook in config.notifications.webhooks
        if "summary" in hook.kinds
    ]
    for channel, target in targets:
        session.add(
            Notification(
                summary_id=row.id,
                kind="summary",
                channel=channel,
                target=target,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return len(targets)


def _worth_telling(summary: Summary) -> bool:
    """Whether the therapist is notified.

    A reflection opened and left before any step was answered, with no risk
    event, is stored (so it is not built again) but not sent.
    """
    steps = summary.completeness.steps.values()
    return (
        summary.status == "complete"
        or bool(summary.risk_events)
        or any(state != "open" for state in steps)
    )


def _store_due(
    session: Session,
    data: ConversationData,
    summaries: list[Summary],
    config: ClinicConfig,
    now: datetime,
) -> int:
    rows = stored_rows(session, data.conversation_id)
    stored = 0
    for summary in summaries:
        existing = _rows_for(rows, summary.session_key)
        reasons = {row.reason for row in existing}
        if summary.status == "complete" and COMPLETED not in reasons:
            reason = COMPLETED
        elif summary.status == "partial" and not reasons:
            reason = INACTIVE
        else:
            continue
        row = SessionSummary(
            reflection_id=summary.reflection_id,
            conversation_id=data.conversation_id,
            patient_id=summary.patient.patient_id,
            reason=reason,
            data=summary.to_dict(),
            created_at=now,
        )
        session.add(row)
        session.flush()  # the id goes into the portal link
        supersedes = existing[-1].id if existing else None
        if _worth_telling(summary):
            _notify(session, row, summary, data.patient, config, supersedes, now)
        stored += 1
    return stored


def process_due(
    db: Database,
    stream: EventStream,
    config: ClinicConfig,
    now: datetime | None = None,
) -> int:
    """Store the summaries that are due and queue their notifications.

    Idempotent: a session gets at most one ``completed`` and one ``inactive``
    summary, whoever calls this and however often.

    Returns:
        How many summaries were stored.
    """
    now = _utc(now)
    watch = _WATCHES.setdefault((db.url, stream.url), _Watch())
    conversations = _new_conversations(stream, watch) | watch.open_conversations
    stored = 0
    with db.session() as session:
        idle_since = now - timedelta(minutes=config.summaries.inactivity_minutes)
        conversations |= _due_record_conversations(session, idle_since)
    still_open: set[str] = set()
    for conversation_id in sorted(conversations):
        with db.session() as session:
            data = load_conversation(session, stream, conversation_id)
            summaries = conversation_summaries(data, now, config)
            stored += _store_due(session, data, summaries, config, now)
        if any(summary.status == "in_progress" for summary in summaries):
            still_open.add(conversation_id)
    watch.open_conversations = still_open
    return stored
