"""Engine and session handling for the application database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import Base
from bot.store.sqlite import prepare_sqlite_path

DB_URL_ENV = "AFTERGLOW_DB_URL"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_db_url() -> str:
    """The application database URL: ``$AFTERGLOW_DB_URL`` or ``var/afterglow.db``."""
    return (
        os.environ.get(DB_URL_ENV)
        or f"sqlite:///{PROJECT_ROOT / 'var' / 'afterglow.db'}"
    )


def _tune_sqlite(engine: Engine) -> None:
    # WAL and the busy timeout come from bot.store.sqlite for every engine;
    # foreign keys are off by default in SQLite and our schema relies on them.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class Database:
    """One application database: an engine, a session factory and the schema."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_db_url()
        prepare_sqlite_path(self.url)
        self.engine = create_engine(self.url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            _tune_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    def create_schema(self) -> None:
        """Create every table that does not exist yet (idempotent)."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


@cache
def get_database(url: str | None = None) -> Database:
    """A process-wide ``Database`` for ``url`` with its schema created."""
    database = Database(url)
    database.create_schema()
    return database
