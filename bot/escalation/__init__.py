"""Durable escalation: flagged messages, the notification outbox, the worker.

The clinic worker (``python -m bot worker``) follows Rasa's event broker
table, records every flagged patient message as an ``Escalation`` (without
needing the action server or a notifier), queues notifications, delivers them
with retries, sends reminders until somebody acknowledges, and calls the
summary hook. The portal uses ``bot.escalation.service``.
"""

from bot.escalation.service import (
    AlreadyAcknowledged,
    ClinicianNotFound,
    EscalationError,
    EscalationNotFound,
    NotPermitted,
    acknowledge,
    delivery_status,
    get_escalation,
    list_escalations,
)

__all__ = [
    "AlreadyAcknowledged",
    "ClinicianNotFound",
    "EscalationError",
    "EscalationNotFound",
    "NotPermitted",
    "acknowledge",
    "delivery_status",
    "get_escalation",
    "list_escalations",
]
