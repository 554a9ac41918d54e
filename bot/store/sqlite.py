"""Every SQLite database the project opens runs in WAL mode with a busy timeout.

Rasa's own SQL tracker store and SQL event broker open SQLite with the default
rollback journal: one long reader then blocks every writer, and writes failed
with "database is locked" (a crisis message was lost that way). A SQLAlchemy
connect hook on the ``Engine`` class reaches engines Rasa creates too, without
forking Rasa's stores. WAL lets readers and one writer proceed together, the
busy timeout makes a second writer wait instead of failing, and
``synchronous=FULL`` keeps a committed write across a power cut.

The files hold health data, so the same hook makes each database file 0600
(SQLite gives its -wal and -shm files the database file's mode), whatever the
umask of the process that created it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.files import make_private, private_folder

BUSY_TIMEOUT_MS = 30_000
SIDE_FILES = ("", "-wal", "-shm", "-journal")
_registered = False


def prepare_sqlite_path(url: str) -> None:
    """Create the folder of a ``sqlite:///`` URL, private to this account."""
    if url.startswith("sqlite:///"):
        private_folder(Path(url.removeprefix("sqlite:///")).parent)


def make_database_private(database: str) -> None:
    """Mode 0600 for a database file and the journal files beside it."""
    for suffix in SIDE_FILES:
        make_private(database + suffix)


def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        # Before WAL mode creates the -wal and -shm files, which copy this mode.
        for _, name, path in cursor.execute("PRAGMA database_list").fetchall():
            if name == "main" and path:
                make_database_private(path)
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
