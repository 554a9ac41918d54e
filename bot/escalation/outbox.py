"""Queueing notifications for an escalation in the outbox (``Notification``).

Payloads carry ids, the level, the category, who the patient is and a portal
link; never the patient's words or the detector evidence (which quotes them),
because email and webhooks are not a place for health data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.config import ClinicConfig
from bot.escalation.levels import highest
from bot.escalation.timeutil import iso
from bot.store.models import Escalation, Notification

logger = logging.getLogger(__name__)

EMAIL = "email"
WEBHOOK = "webhook"


@dataclass(frozen=True)
class Target:
    """Where one notification goes."""

    channel: str  # email | webhook
    address: str  # an email address or a webhook URL


def effective_level(escalation: Escalation) -> str:
    """The level the care team acts on: the higher of detector and screener.

    The screener may settle lower than the detector; notifications and
    reminders still follow the higher one, because a missed risk costs more
    than an extra message.
    """
    return highest([escalation.level, escalation.final_level])


def portal_link(config: ClinicConfig, escalation_id: int) -> str:
    """The portal page of one escalation."""
    return f"{config.clinic.portal_url.rstrip('/')}/escalations/{escalation_id}"


class Outbox:
    """Turns escalations into outbox rows for the configured targets."""

    def __init__(self, config: ClinicConfig) -> None:
        self.config = config
        self._warned_no_target = False

    def targets(self, escalation: Escalation, kind: str) -> list[Target]:
        """The patient's therapist (if known and active), clinic emails, hooks."""
        notifications = self.config.notifications
        emails: list[str] = []
        patient = escalation.patient
        if patient is not None and patient.therapist and patient.therapist.active:
            emails.append(patient.therapist.email)
        emails.extend(notifications.emails)
        unique = list(dict.fromkeys(email.strip().lower() for email in emails))
        targets = [Target(EMAIL, email) for email in unique if email]
        targets.extend(
            Target(WEBHOOK, hook.url)
            for hook in notifications.webhooks
            if kind in hook.kinds
        )
        return targets

    def payload(
        self, escalation: Escalation, kind: str, reason: str | None = None
    ) -> dict[str, Any]:
        """What a notification says: ids, levels, category, patient, link."""
        patient = escalation.patient
        payload: dict[str, Any] = {
            "kind": kind,
            "clinic": self.config.clinic.name,
            "escalation_id": escalation.id,
            "level": effective_level(escalation),
            "detector_level": escalation.level,
            "final_level": escalation.final_level,
            "category": escalation.category,
            "patient": patient.display_name
            if patient is not None
            else escalation.conversation_id,
            "patient_id": escalation.patient_id,
            "created_at": iso(escalation.created_at),
            "link": portal_link(self.config, escalation.id),
        }
        if reason:
            payload["reason"] = reason
        return payload

    def queue(
        self,
        session: Session,
        escalation: Escalation,
        kind: str,
        now: datetime,
        reason: str | None = None,
    ) -> list[Notification]:
        """Add one pending row per target; returns them (possibly none).

        Args:
            session: The caller's unit of work; rows commit with it.
            escalation: A flushed escalation (it needs its id).
            kind: ``escalation`` or ``reminder``.
            now: Creation time and first attempt time.
            reason: Why this is sent again, e.g. ``cssrs_raised``.
        """
        targets = self.targets(escalation, kind)
        if not targets:
            if not self._warned_no_target:
                logger.warning(
                    "no notification target configured: escalation %s is "
                    "recorded but nobody is told (set notifications.emails or "
                    "webhooks in the clinic configuration)",
                    escalation.id,
                )
                self._warned_no_target = True
            else:
                logger.info("escalation %s has no notification target", escalation.id)
            return []
        payload = self.payload(escalation, kind, reason)
        rows = [
            Notification(
                escalation_id=escalation.id,
                kind=kind,
                channel=target.channel,
                target=target.address,
                payload=payload,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            for target in targets
        ]
        session.add_all(rows)
        return rows
