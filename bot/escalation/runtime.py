"""Opening the databases and the configuration the way the commands do.

The URLs are read from the environment on every call (``AFTERGLOW_DB_URL``,
``AFTERGLOW_BROKER_DB_URL``), then cached per URL.
"""

from __future__ import annotations

from bot.store.db import Database, default_db_url, get_database
from bot.store.events import EventStream, default_broker_url, get_event_stream


def open_database() -> Database:
    """The application database named by the environment, schema created."""
    return get_database(default_db_url())


def open_event_stream() -> EventStream:
    """The broker table named by the environment."""
    return get_event_stream(default_broker_url())
