"""What the portal and the CLI do with escalations: list, read, acknowledge.

Visibility: admins see every escalation; a therapist sees the escalations of
their own patients (escalations of unknown conversations are admin-only).
``viewer_id=None`` means a trusted caller (the CLI) and sees everything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Select

from bot.escalation.records import escalation_record
from bot.escalation.timeutil import as_utc, iso, utcnow
from bot.store.db import Database
from bot.store.models import AuditEntry, Clinician, Escalation, Notification, Patient


class EscalationError(Exception):
    """A request about an escalation cannot be done; the message says why."""


class EscalationNotFound(EscalationError):
    """No such escalation, or not one the viewer may see."""


class ClinicianNotFound(EscalationError):
    """No active clinician with that id or email."""


class NotPermitted(EscalationError):
    """The clinician may not act on this escalation (not their patient)."""


class AlreadyAcknowledged(EscalationError):
    """Somebody acknowledged the escalation before; the first one stands."""


def _viewer(session: Session, viewer_id: int | None) -> Clinician | None:
    if viewer_id is None:
        return None
    clinician = session.get(Clinician, viewer_id)
    if clinician is None or not clinician.active:
        raise ClinicianNotFound(f"no active clinician with id {viewer_id}")
    return clinician


def _visible(query: Select, viewer: Clinician | None) -> Select:
    if viewer is None or viewer.role == "admin":
        return query
    # Same rule as bot.portal.access: by patient id, or by conversation when
    # the patient was registered after the escalation.
    of_patient = or_(
        Escalation.patient_id == Patient.id,
        and_(
            Escalation.patient_id.is_(None),
            Escalation.conversation_id == Patient.conversation_id,
        ),
    )
    return query.join(Patient, of_patient).where(Patient.therapist_id == viewer.id)


def list_escalations(
    db: Database,
    *,
    viewer_id: int | None = None,
    status: str | None = None,
    newest_first: bool = True,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Escalation records the viewer may see (message text included).

    Args:
        db: The application database.
        viewer_id: The clinician asking; ``None`` for a trusted caller.
        status: ``open`` or ``acknowledged`` to filter; ``None`` for all.
        newest_first: Order by id descending (else ascending).
        limit: At most this many.
    """
    with db.session() as session:
        query = _visible(select(Escalation), _viewer(session, viewer_id)).options(
            selectinload(Escalation.patient), selectinload(Escalation.notifications)
        )
        if status:
            query = query.where(Escalation.status == status)
        order = Escalation.id.desc() if newest_first else Escalation.id
        query = query.order_by(order)
        if limit:
            query = query.limit(limit)
        return [escalation_record(e) for e in session.scalars(query).all()]


def get_escalation(
    db: Database, escalation_id: int, *, viewer_id: int | None = None
) -> dict[str, Any]:
    """One escalation record; ``EscalationNotFound`` if absent or not visible."""
    with db.session() as session:
        query = _visible(
            select(Escalation).where(Escalation.id == escalation_id),
            _viewer(session, viewer_id),
        )
        escalation = session.scalar(query)
        if escalation is None:
            raise EscalationNotFound(f"no escalation with id {escalation_id}")
        return escalation_record(escalation)


def acknowledge(
    db: Database,
    escalation_id: int,
    clinician_id: int,
    note: str | None = None,
    *,
    now: datetime | None = None,
    via: str = "portal",
) -> dict[str, Any]:
    """Record that a clinician has taken charge of an escalation.

    Sets status ``acknowledged`` with who/when/note, cancels reminders not yet
    sent (they would say "not yet acknowledged"), stops further reminders and
    writes an audit entry. Escalation notifications already queued are still
    delivered.

    Raises:
        ClinicianNotFound: ``clinician_id`` is not an active clinician.
        EscalationNotFound: no such escalation.
        NotPermitted: the clinician is neither an admin nor the patient's
            therapist.
        AlreadyAcknowledged: it was acknowledged before (first one stands).
    """
    now = as_utc(now) or utcnow()
    with db.session() as session:
        clinician = _viewer(session, clinician_id)
        query = _visible(
            select(Escalation).where(Escalation.id == escalation_id), clinician
        ).with_for_update()
        escalation = session.scalar(query)
        if escalation is None:
            if session.get(Escalation, escalation_id) is not None:
                raise NotPermitted(
                    f"{clinician.email} may not acknowledge escalation "
                    f"{escalation_id}: not their patient"
                )
            raise EscalationNotFound(f"no escalation with id {escalation_id}")
        if escalation.status == "acknowledged":
            raise AlreadyAcknowledged(
                f"escalation {escalation_id} was already acknowledged at "
                f"{iso(escalation.acknowledged_at)}"
            )
        escalation.status = "acknowledged"
        escalation.acknowledged_at = now
        escalation.acknowledged_by = clinician.id
        escalation.acknowledgement_note = (
            note.strip() if note and note.strip() else None
        )
        cancelled = session.execute(
            update(Notification)
            .where(Notification.escalation_id == escalation.id)
            .where(Notification.kind == "reminder")
            .where(Notification.status == "pending")
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        ).rowcount
        session.add(
            AuditEntry(
                at=now,
                actor_id=clinician.id,
                actor=clinician.email,
                action="acknowledge_escalation",
                object_type="escalation",
                object_id=str(escalation.id),
                # The note itself stays on the escalation (it may hold health data).
                detail={
                    "via": via,
                    "level": escalation.level,
                    "final_level": escalation.final_level,
                    "note_given": escalation.acknowledgement_note is not None,
                    "reminders_cancelled": cancelled,
                },
            )
        )
        session.flush()
        session.expire(escalation, ["notifications"])
        return escalation_record(escalation)


def delivery_status(db: Database) -> dict[str, Any]:
    """Outbox health: rows per status, rows failing now, oldest pending row."""
    with db.session() as session:
        by_status = dict(
            session.execute(
                select(Notification.status, func.count()).group_by(Notification.status)
            ).all()
        )
        failing = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.status == "pending")
            .where(Notification.attempts > 0)
        )
        oldest = session.scalar(
            select(func.min(Notification.created_at)).where(
                Notification.status == "pending"
            )
        )
    return {
        "pending": by_status.get("pending", 0),
        "delivered": by_status.get("delivered", 0),
        "cancelled": by_status.get("cancelled", 0),
        "failing": failing or 0,
        "oldest_pending_at": iso(oldest),
    }


def clinician_id_for_email(db: Database, email: str) -> int:
    """The id of the active clinician with ``email`` (case-insensitive)."""
    with db.session() as session:
        clinician = session.scalar(
            select(Clinician).where(
                func.lower(Clinician.email) == email.strip().lower()
            )
        )
        if clinician is None or not clinician.active:
            raise ClinicianNotFound(f"no active clinician with email {email.strip()}")
        return clinician.id
