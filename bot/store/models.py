"""SQLAlchemy models of the application database.

Free text the patient wrote (messages, answers) is health data: it lives only
in these tables and in Rasa's tracker store, never in logs.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.store.types import UTCDateTime, utcnow

Base = declarative_base()


def _timestamp(**kwargs) -> Column:
    return Column(UTCDateTime, **kwargs)


class Clinician(Base):
    """A portal user: a therapist who reviews their own patients, or an admin."""

    __tablename__ = "clinicians"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), unique=True, nullable=False)
    name = Column(String(200), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(20), nullable=False, default="therapist")  # therapist | admin
    phone = Column(String(40))
    active = Column(Boolean, nullable=False, default=True)
    created_at = _timestamp(nullable=False, default=utcnow)

    patients = relationship("Patient", back_populates="therapist")


class Patient(Base):
    """A patient of the clinic, assigned to one therapist.

    ``conversation_id`` is the Rasa sender id of the patient's conversation;
    the server derives it, the client never chooses it.
    """

    __tablename__ = "patients"

    id = Column(Integer, primary_key=True)
    display_name = Column(String(200), nullable=False)
    therapist_id = Column(Integer, ForeignKey("clinicians.id"), nullable=False)
    conversation_id = Column(String(128), unique=True, nullable=False)
    locale = Column(String(10), nullable=False, default="en")
    # The patient's own safety plan (Stanley-Brown steps), as the clinic stored it.
    safety_plan = Column(JSON)
    active = Column(Boolean, nullable=False, default=True)
    created_at = _timestamp(nullable=False, default=utcnow)

    therapist = relationship("Clinician", back_populates="patients")
    infusions = relationship(
        "Infusion", back_populates="patient", order_by="Infusion.number"
    )


class Infusion(Base):
    """One ketamine infusion the clinic recorded for a patient."""

    __tablename__ = "infusions"
    __table_args__ = (UniqueConstraint("patient_id", "number"),)

    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False)
    number = Column(Integer, nullable=False)
    administered_at = _timestamp(nullable=False)

    patient = relationship("Patient", back_populates="infusions")


class Invite(Base):
    """A clinic-issued invite link; the signed token carries ``token_id``."""

    __tablename__ = "invites"

    id = Column(Integer, primary_key=True)
    token_id = Column(String(64), unique=True, nullable=False)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False)
    created_by = Column(Integer, ForeignKey("clinicians.id"))
    created_at = _timestamp(nullable=False, default=utcnow)
    expires_at = _timestamp(nullable=False)
    used_at = _timestamp()
    revoked_at = _timestamp()

    patient = relationship("Patient")


class DeviceSession(Base):
    """A patient's signed-in device; the patient can revoke it."""

    __tablename__ = "device_sessions"

    id = Column(Integer, primary_key=True)
    session_id = Column(String(64), unique=True, nullable=False)
    patient_id = Column(Integer, ForeignKey("patients.id"), nullable=False)
    invite_id = Column(Integer, ForeignKey("invites.id"))
    created_at = _timestamp(nullable=False, default=utcnow)
    last_seen_at = _timestamp()
    revoked_at = _timestamp()

    patient = relationship("Patient")


class Reflection(Base):
    """The structured record of one post-infusion reflection.

    ``answers`` maps step fields (mood_before, thought, reframe, ...) to what
    the patient gave; ``step_status`` maps each step to done/skipped/open.
    """

    __tablename__ = "reflections"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), index=True)
    status = Column(String(20), nullable=False, default="in_progress")
    # in_progress | paused | completed | abandoned
    answers = Column(JSON, nullable=False, default=dict)
    step_status = Column(JSON, nullable=False, default=dict)
    infusion_number = Column(Integer)
    hours_since_infusion = Column(Float)
    pause_count = Column(Integer, nullable=False, default=0)
    resume_count = Column(Integer, nullable=False, default=0)
    started_at = _timestamp(nullable=False, default=utcnow)
    updated_at = _timestamp(nullable=False, default=utcnow, onupdate=utcnow)
    completed_at = _timestamp()

    patient = relationship("Patient")


class Escalation(Base):
    """A flagged patient message and what the care team did about it.

    Created by the clinic worker from the event broker, idempotently on
    ``source_event_id``, so it exists whatever the action server or the
    notifiers are doing.
    """

    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True)
    source_event_id = Column(String(64), unique=True, nullable=False)
    conversation_id = Column(String(128), nullable=False, index=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), index=True)
    level = Column(String(20), nullable=False)  # detector level at creation
    final_level = Column(String(20))  # settled later by the C-SSRS screener
    category = Column(String(40), nullable=False)
    message = Column(Text, nullable=False)  # verbatim
    context = Column(JSON, nullable=False, default=list)  # earlier turns, verbatim
    evidence = Column(JSON, nullable=False, default=list)
    detector_version = Column(String(40), nullable=False)
    bot_response = Column(JSON, nullable=False, default=list)  # what the bot showed
    status = Column(String(20), nullable=False, default="open")  # open | acknowledged
    message_at = _timestamp(nullable=False)
    created_at = _timestamp(nullable=False, default=utcnow)
    acknowledged_at = _timestamp()
    acknowledged_by = Column(Integer, ForeignKey("clinicians.id"))
    acknowledgement_note = Column(Text)
    last_notified_at = _timestamp()

    patient = relationship("Patient")
    notifications = relationship("Notification", back_populates="escalation")


class SessionSummary(Base):
    """A stored summary of one reflection session (JSON from ``bot.summary``)."""

    __tablename__ = "session_summaries"

    id = Column(Integer, primary_key=True)
    reflection_id = Column(Integer, ForeignKey("reflections.id"), index=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    patient_id = Column(Integer, ForeignKey("patients.id"), index=True)
    reason = Column(String(20), nullable=False)  # completed | inactive | on_demand
    data = Column(JSON, nullable=False)
    created_at = _timestamp(nullable=False, default=utcnow)

    reflection = relationship("Reflection")


class Notification(Base):
    """The notification outbox: one row per delivery to one target.

    Rows are retried with backoff until ``status`` is ``delivered``; they live
    in the database, so pending deliveries survive restarts.
    """

    __tablename__ = "notifications"

    id = Column(Integer, primary_key=True)
    escalation_id = Column(Integer, ForeignKey("escalations.id"), index=True)
    summary_id = Column(Integer, ForeignKey("session_summaries.id"))
    kind = Column(String(20), nullable=False)  # escalation | reminder | summary
    channel = Column(String(20), nullable=False)  # webhook | email
    target = Column(String(500), nullable=False)
    payload = Column(JSON, nullable=False)
    # pending | delivered | cancelled (a reminder made moot by an acknowledgement)
    status = Column(String(20), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = _timestamp(nullable=False, default=utcnow)
    last_error = Column(String(500))
    created_at = _timestamp(nullable=False, default=utcnow)
    delivered_at = _timestamp()

    escalation = relationship("Escalation", back_populates="notifications")


class AuditEntry(Base):
    """Who looked at or changed what, and when. Append-only."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = _timestamp(nullable=False, default=utcnow)
    actor_id = Column(Integer, ForeignKey("clinicians.id"))
    actor = Column(String(254), nullable=False)  # email, "cli" or "worker"
    action = Column(String(60), nullable=False)  # view_transcript, acknowledge, ...
    object_type = Column(String(40), nullable=False)
    object_id = Column(String(128), nullable=False)
    detail = Column(JSON)


class WorkerCursor(Base):
    """How far a worker has read a stream (the event broker table)."""

    __tablename__ = "worker_cursors"

    name = Column(String(60), primary_key=True)
    position = Column(Integer, nullable=False, default=0)
    updated_at = _timestamp(nullable=False, default=utcnow, onupdate=utcnow)


class LoginFailure(Base):
    """Failed portal logins for one account or client address (the throttle).

    In the database, not in memory, so a restart does not clear a lockout and
    every portal process sees the same counts.
    """

    __tablename__ = "login_failures"

    kind = Column(String(16), primary_key=True)  # "account" or "address"
    key = Column(String(320), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    first_failure_at = Column(Float, nullable=False)  # Unix time
    locked_until = Column(Float, nullable=False, default=0.0)
