"""Every SQLite database the project opens runs in WAL mode with a busy timeout.

Rasa's own SQL tracker store and SQL event broker open SQLite with the default
rollback journal: one long reader then blocks every writer, and writes failed
with "database is locked" (a crisis message was lost that way). A SQLAlchemy
connect hook on the ``Engine`` class reaches engines Rasa creates too, without
forking Rasa's stores. WAL lets readers and one writer proceed together, the
busy timeout makes a second writer wait instead of failing, and
``synchronous=FULL`` keeps a committed write across a power cut.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 30_000
_registered = False


def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def tune_every_sqlite_engine() -> None:
    """Register the hook once per process (idempotent)."""
    global _registered
    if not _registered:
        event.listen(Engine, "connect", _on_connect)
        _registered = True
