"""Escalations and outbox rows as plain dicts (for JSON, the CLI and the portal)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import object_session

from bot.escalation.outbox import effective_level
from bot.escalation.timeutil import iso
from bot.store.models import Clinician, Escalation, Notification


def notification_record(notification: Notification) -> dict[str, Any]:
    """Delivery status of one outbox row (no payload: that is in the escalation)."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "channel": notification.channel,
        "target": notification.target,
        "status": notification.status,
        "attempts": notification.attempts,
        "last_error": notification.last_error,
        "next_attempt_at": iso(notification.next_attempt_at)
        if notification.status == "pending"
        else None,
        "created_at": iso(notification.created_at),
        "delivered_at": iso(notification.delivered_at),
    }


def escalation_record(escalation: Escalation) -> dict[str, Any]:
    """Everything about one escalation, the verbatim message included.

    The result holds health data: show it only to clinicians allowed to see
    the patient, and never log it.
    """
    patient = escalation.patient
    acknowledger = None
    session = object_session(escalation)
    if escalation.acknowledged_by is not None and session is not None:
        clinician = session.get(Clinician, escalation.acknowledged_by)
        acknowledger = clinician.email if clinician else None
    return {
        "id": escalation.id,
        "source_event_id": escalation.source_event_id,
        "conversation_id": escalation.conversation_id,
        "patient_id": escalation.patient_id,
        "patient_name": patient.display_name if patient else None,
        "therapist_id": patient.therapist_id if patient else None,
        "level": escalation.level,
        "final_level": escalation.final_level,
        "effective_level": effective_level(escalation),
        "category": escalation.category,
        "message": escalation.message,
        "context": escalation.context or [],
        "evidence": escalation.evidence or [],
        "detector_version": escalation.detector_version,
        "bot_response": escalation.bot_response or [],
        "status": escalation.status,
        "message_at": iso(escalation.message_at),
        "created_at": iso(escalation.created_at),
        "acknowledged_at": iso(escalation.acknowledged_at),
        "acknowledged_by": escalation.acknowledged_by,
        "acknowledged_by_email": acknowledger,
        "acknowledgement_note": escalation.acknowledgement_note,
        "last_notified_at": iso(escalation.last_notified_at),
        "notifications": [
            notification_record(n)
            for n in sorted(escalation.notifications, key=lambda n: n.id)
        ],
    }
