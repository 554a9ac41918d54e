"""Rasa's own SQLite stores run in WAL mode with a busy timeout, as ours do."""

from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy import text

import bot  # noqa: F401 - importing Afterglow registers the hook
from bot.store import Database
from bot.store.sqlite import BUSY_TIMEOUT_MS


def _pragmas(engine) -> tuple[str, int]:  # noqa: ANN001
    with engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
        timeout = connection.execute(text("PRAGMA busy_timeout")).scalar()
    return mode, timeout


def test_rasa_tracker_store_uses_wal(tmp_path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    assert _pragmas(store.engine) == ("wal", BUSY_TIMEOUT_MS)


def test_rasa_event_broker_uses_wal(tmp_path):
    broker = SQLEventBroker(dialect="sqlite", db=str(tmp_path / "e.db"))
    assert _pragmas(broker.engine) == ("wal", BUSY_TIMEOUT_MS)


def test_application_database_uses_wal_and_foreign_keys(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'a.db'}")
    assert _pragmas(database.engine) == ("wal", BUSY_TIMEOUT_MS)
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
