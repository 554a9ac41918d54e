"""Following the event broker and turning flagged messages into escalations.

One batch of broker rows is one transaction: the escalations, their outbox
rows, the bot responses, the screener settlements and the new cursor position
commit together, so a crash never loses or duplicates work. Escalations are
keyed on ``broker:<position>``, so even a re-read is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalation import broker
from bot.escalation.flags import Flag, flag_from_event
from bot.escalation.levels import rank
from bot.escalation.outbox import Outbox, effective_level
from bot.escalation.screener import settle_level
from bot.escalation.timeutil import from_timestamp, iso
from bot.store.db import Database
from bot.store.events import EventStream
from bot.store.models import Escalation, Notification, Patient, WorkerCursor

logger = logging.getLogger(__name__)

CURSOR_NAME = "escalations"
SOURCE_PREFIX = "broker:"


@dataclass
class IngestReport:
    """Counts of one ingest run (what the worker logs)."""

    events: int = 0
    escalations: int = 0
    notifications: int = 0
    responses: int = 0
    settled: int = 0
    skipped: int = 0
    position: int = 0

    def add(self, other: IngestReport) -> None:
        """Add the counts of a later batch; its position is the new one."""
        for item in fields(self):
            if item.name != "position":
                total = getattr(self, item.name) + getattr(other, item.name)
                setattr(self, item.name, total)
        self.position = other.position


def source_position(escalation: Escalation) -> int | None:
    """The broker position an escalation was created from (``None`` if not)."""
    source = escalation.source_event_id or ""
    if not source.startswith(SOURCE_PREFIX):
        return None
    try:
        return int(source.removeprefix(SOURCE_PREFIX))
    except ValueError:
        return None


def _latest_escalation(
    session: Session, conversation_id: str, before: int, open_only: bool = False
) -> Escalation | None:
    query = select(Escalation).where(Escalation.conversation_id == conversation_id)
    if open_only:
        query = query.where(Escalation.status == "open")
    # Ingest runs in stream order, so a higher id is a later message.
    for escalation in session.scalars(query.order_by(Escalation.id.desc())).all():
        position = source_position(escalation)
        if position is not None and position < before:
            return escalation
    return None


class Ingestor:
    """Reads the broker from the ``escalations`` cursor and records flags."""

    def __init__(
        self,
        db: Database,
        stream: EventStream,
        outbox: Outbox,
        batch_size: int = 200,
    ) -> None:
        self.db = db
        self.stream = stream
        self.outbox = outbox
        self.batch_size = batch_size

    def run(self, now: datetime, max_batches: int = 50) -> IngestReport:
        """Ingest until caught up (or ``max_batches`` batches were read)."""
        total = IngestReport()
        for _ in range(max_batches):
            report, rows_read = self.run_batch(now)
            total.add(report)
            if rows_read < self.batch_size:
                break
        return total

    def run_batch(self, now: datetime) -> tuple[IngestReport, int]:
        """Read and record one batch in one transaction.

        Returns:
            The batch's counts and how many broker rows it read.
        """
        report = IngestReport()
        with self.db.session() as session:
            cursor = session.get(WorkerCursor, CURSOR_NAME, with_for_update=True)
            if cursor is None:
                cursor = WorkerCursor(name=CURSOR_NAME, position=0, updated_at=now)
                session.add(cursor)
            rows = broker.read_after(self.stream, cursor.position, self.batch_size)
            for row in rows:
                self._handle(session, row, now, report)
            if rows:
                cursor.position = rows[-1].position
                cursor.updated_at = now
            report.events = len(rows)
            report.position = cursor.position
        return report, len(rows)

    def _handle(
        self,
        session: Session,
        row: broker.BrokerRow,
        now: datetime,
        report: IngestReport,
    ) -> None:
        if row.data is None:
            logger.warning("broker row %s is not valid JSON; skipped", row.position)
            report.skipped += 1
            return
        if row.type == "user":
            try:
                flag = flag_from_event(row.data)
            except Exception:  # noqa: BLE001 - a malformed event must not stop ingest
                logger.warning("broker row %s: unreadable user event", row.position)
                report.skipped += 1
                return
            if flag is not None:
                self._record(session, row, flag, now, report)
        elif row.type == "bot":
            self._append_response(session, row, now, report)
        elif row.type == "slot" and row.data.get("name") in broker.CSSRS_SLOTS:
            self._settle(session, row, now, report)

    def _record(
        self,
        session: Session,
        row: broker.BrokerRow,
        flag: Flag,
        now: datetime,
        report: IngestReport,
    ) -> None:
        source_event_id = f"{SOURCE_PREFIX}{row.position}"
        exists = session.scalar(
            select(Escalation.id).where(Escalation.source_event_id == source_event_id)
        )
        if exists:
            return
        if flag.unrecognized_level:
            logger.warning(
                "broker row %s: unrecognized crisis level read as high", row.position
            )
        conversation_id = row.conversation_id[:128]
        patient = session.scalar(
            select(Patient).where(Patient.conversation_id == conversation_id)
        )
        message_at = from_timestamp(row.data.get("timestamp"), now)
        text = row.data.get("text")
        try:
            context = broker.previous_user_messages(
                self.stream, row.conversation_id, row.position, message_at
            )
        except Exception as error:  # noqa: BLE001 - the record matters more
            logger.warning(
                "broker row %s: context unavailable (%s); recorded without it",
                row.position,
                type(error).__name__,
            )
            context = []
        escalation = Escalation(
            source_event_id=source_event_id,
            conversation_id=conversation_id,
            patient_id=patient.id if patient else None,
            patient=patient,
            level=flag.level,
            category=flag.category,
            message=text if isinstance(text, str) else "",
            context=context,
            evidence=flag.evidence,
            detector_version=flag.detector_version,
            bot_response=[],
            status="open",
            message_at=message_at,
            created_at=now,
        )
        session.add(escalation)
        session.flush()
        queued = self.outbox.queue(session, escalation, "escalation", now)
        report.escalations += 1
        report.notifications += len(queued)
        logger.info(
            "escalation %s created from broker row %s: level=%s category=%s "
            "patient_known=%s notifications=%d",
            escalation.id,
            row.position,
            escalation.level,
            escalation.category,
            patient is not None,
            len(queued),
        )

    def _append_response(
        self,
        session: Session,
        row: broker.BrokerRow,
        now: datetime,
        report: IngestReport,
    ) -> None:
        escalation = _latest_escalation(session, row.conversation_id, row.position)
        if escalation is None:
            return
        response = list(escalation.bot_response or [])
        if any(item.get("position") == row.position for item in response):
            return
        if broker.user_message_between(
            self.stream,
            row.conversation_id,
            source_position(escalation),
            row.position,
        ):
            return  # the patient spoke again: this reply answers something else
        text = row.data.get("text")
        metadata = row.data.get("metadata")
        item = {
            "position": row.position,
            "text": text if isinstance(text, str) else None,
            "at": iso(from_timestamp(row.data.get("timestamp"), now)),
        }
        if isinstance(metadata, dict) and metadata.get("utter_action"):
            item["utter_action"] = str(metadata["utter_action"])
        # A new list, so SQLAlchemy sees the JSON column change.
        escalation.bot_response = response + [item]
        report.responses += 1

    def _settle(
        self,
        session: Session,
        row: broker.BrokerRow,
        now: datetime,
        report: IngestReport,
    ) -> None:
        escalation = _latest_escalation(
            session, row.conversation_id, row.position, open_only=True
        )
        if escalation is None:
            return
        try:
            answers = broker.cssrs_answers(
                self.stream, row.conversation_id, row.position
            )
            final_level = settle_level(escalation.level, answers)
        except Exception as error:  # noqa: BLE001 - must not block the stream
            logger.error(
                "escalation %s: screener answers at broker row %s not settled (%s)",
                escalation.id,
                row.position,
                type(error).__name__,
            )
            report.skipped += 1
            return
        if final_level == escalation.final_level:
            return
        sent_payloads = session.scalars(
            select(Notification.payload).where(
                Notification.escalation_id == escalation.id
            )
        )
        notified = max(
            [rank(escalation.level)]
            + [rank((payload or {}).get("level")) for payload in sent_payloads]
        )
        escalation.final_level = final_level
        report.settled += 1
        logger.info(
            "escalation %s settled by screener: level=%s final_level=%s",
            escalation.id,
            escalation.level,
            final_level,
        )
        if rank(final_level) > notified:
            queued = self.outbox.queue(
                session, escalation, "escalation", now, reason="cssrs_raised"
            )
            report.notifications += len(queued)
            logger.info(
                "escalation %s raised to %s by screener: %d notifications queued",
                escalation.id,
                effective_level(escalation),
                len(queued),
            )
