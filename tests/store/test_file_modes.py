"""Databases and the folders the project creates are private (issue 13, item 6)."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import create_engine, text

from bot.secrets import get_secret_key
from bot.store import Database


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # the common default: files 0644, folders 0755
    yield
    os.umask(previous)


def mode(path) -> int:  # noqa: ANN001
    return stat.S_IMODE(os.stat(path).st_mode)


def test_application_database_and_journal_files_are_0600(tmp_path, open_umask):
    database = tmp_path / "var" / "afterglow.db"
    db = Database(f"sqlite:///{database}")
    db.create_schema()
    assert mode(database.parent) == 0o700
    with db.engine.connect() as connection:  # -wal and -shm exist while open
        connection.execute(text("SELECT 1"))
        for suffix in ("", "-wal", "-shm"):
            assert mode(f"{database}{suffix}") == 0o600, suffix


def test_an_engine_opened_by_rasa_gets_the_same(tmp_path, open_umask):
    # Rasa's SQL tracker store and event broker build their own engines.
    tracker = tmp_path / "tracker.db"
    engine = create_engine(f"sqlite:///{tracker}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO events DEFAULT VALUES"))
        for suffix in ("", "-wal", "-shm"):
            assert mode(f"{tracker}{suffix}") == 0o600, suffix
    engine.dispose()


def test_a_database_left_readable_is_closed_on_next_open(tmp_path, open_umask):
    events = tmp_path / "events.db"
    events.touch(mode=0o644)
    engine = create_engine(f"sqlite:///{events}")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert mode(events) == 0o600
    engine.dispose()


def test_the_development_key_folder_is_private(tmp_path, open_umask, monkeypatch):
    monkeypatch.delenv("AFTERGLOW_SECRET_KEY", raising=False)
    key = tmp_path / "var" / "secret_key"
    get_secret_key(key)
    assert mode(key.parent) == 0o700 and mode(key) == 0o600
