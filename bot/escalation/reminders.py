"""Re-notifying the care team about unacknowledged escalations.

``last_notified_at`` is set when a notification of the escalation is
*delivered* (not when it is queued), so the reminder clock measures time since
someone could actually have seen it. A reminder is queued when the effective
level has ``renotify_minutes`` configured, that many minutes have passed since
``last_notified_at``, and no reminder has been queued after it; so a target
that stays down cannot pile up reminders, while a working one keeps getting
them every N minutes until somebody acknowledges.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.config import ClinicConfig
from bot.escalation.outbox import Outbox, effective_level
from bot.escalation.timeutil import as_utc
from bot.store.db import Database
from bot.store.models import Escalation, Notification

logger = logging.getLogger(__name__)


def queue_reminders(
    db: Database, outbox: Outbox, config: ClinicConfig, now: datetime
) -> int:
    """Queue the reminders that are due; returns how many escalations got one."""
    renotify = config.notifications.renotify_minutes
    reminded = 0
    with db.session() as session:
        open_escalations = session.scalars(
            select(Escalation)
            .where(Escalation.status == "open")
            .where(Escalation.last_notified_at.is_not(None))
            .order_by(Escalation.id)
        ).all()
        for escalation in open_escalations:
            minutes = renotify.get(effective_level(escalation))
            last = as_utc(escalation.last_notified_at)
            if not minutes or now < last + timedelta(minutes=minutes):
                continue
            already = session.scalar(
                select(Notification.id)
                .where(Notification.escalation_id == escalation.id)
                .where(Notification.kind == "reminder")
                .where(Notification.created_at > last)
                .limit(1)
            )
            if already or not outbox.targets(escalation, "reminder"):
                continue
            queued = outbox.queue(session, escalation, "reminder", now)
            if queued:
                reminded += 1
                logger.info(
                    "escalation %s unacknowledged for %s min: %d reminders queued",
                    escalation.id,
                    minutes,
                    len(queued),
                )
    return reminded
