"""Stored times read back as aware UTC, whatever zone they were written in."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.store import Database, WorkerCursor

PARIS_SUMMER = timezone(timedelta(hours=2))


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'afterglow.db'}")
    database.create_schema()
    return database


def _store(db: Database, at: datetime) -> datetime:
    with db.session() as session:
        session.add(WorkerCursor(name="test", updated_at=at))
    with db.session() as session:
        return session.get(WorkerCursor, "test").updated_at


def test_an_aware_time_in_another_zone_is_stored_as_the_same_instant(db):
    written = datetime(2026, 7, 1, 14, 0, tzinfo=PARIS_SUMMER)
    read = _store(db, written)
    assert read == written and read.tzinfo == timezone.utc and read.hour == 12


def test_a_naive_time_is_taken_as_utc(db):
    read = _store(db, datetime(2026, 7, 1, 14, 0))
    assert read == datetime(2026, 7, 1, 14, 0, tzinfo=timezone.utc)


def test_a_timestamp_must_be_a_datetime(db):
    with pytest.raises(Exception, match="must be a datetime"):
        _store(db, "2026-07-01T14:00")  # type: ignore[arg-type]
