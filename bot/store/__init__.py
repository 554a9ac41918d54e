"""Application data: SQLAlchemy models and session handling.

SQLite is the embedded default; any SQLAlchemy URL (PostgreSQL included) works
through ``AFTERGLOW_DB_URL``.
"""

from bot.store.db import Database, default_db_url, get_database
from bot.store.models import (
    AuditEntry,
    Base,
    Clinician,
    DeviceSession,
    Escalation,
    Infusion,
    Invite,
    Notification,
    Patient,
    Reflection,
    SessionSummary,
    WorkerCursor,
)

__all__ = [
    "AuditEntry",
    "Base",
    "Clinician",
    "Database",
    "DeviceSession",
    "Escalation",
    "Infusion",
    "Invite",
    "Notification",
    "Patient",
    "Reflection",
    "SessionSummary",
    "WorkerCursor",
    "default_db_url",
    "get_database",
]
