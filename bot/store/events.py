"""Read access to the conversation event stream.

Rasa publishes every tracker event to its SQL event broker (table ``events``:
``id``, ``sender_id``, ``data`` as JSON text). The clinic worker follows it to
create escalations and summaries, and the portal reads transcripts from it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    select,
)

from bot.store.sqlite import prepare_sqlite_path

BROKER_DB_URL_ENV = "AFTERGLOW_BROKER_DB_URL"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

_metadata = MetaData()
# Mirrors rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent.
broker_events = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)


def default_broker_url() -> str:
    """The event broker URL: ``$AFTERGLOW_BROKER_DB_URL`` or ``var/events.db``."""
    return (
        os.environ.get(BROKER_DB_URL_ENV)
        or f"sqlite:///{PROJECT_ROOT / 'var' / 'events.db'}"
    )


@dataclass(frozen=True)
class StreamEvent:
    """One broker row: its position in the stream and the Rasa event dict."""

    position: int
    conversation_id: str
    data: dict[str, Any]

    @property
    def type(self) -> str:
        return self.data.get("event", "")


class EventStream:
    """The broker's ``events`` table, read-only."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_broker_url()
        prepare_sqlite_path(self.url)
        self.engine = create_engine(self.url, future=True, pool_pre_ping=True)
        # Rasa creates the table on its first start; creating it here too lets
        # the worker and the portal start first.
        _metadata.create_all(self.engine)

    def after(self, position: int, limit: int = 500) -> list[StreamEvent]:
        """Events after ``position``, oldest first, at most ``limit``."""
        query = (
            select(broker_events)
            .where(broker_events.c.id > position)
            .order_by(broker_events.c.id)
            .limit(limit)
        )
        return list(self._rows(query))

    def conversation(
        self, conversation_id: str, up_to: int | None = None
    ) -> list[StreamEvent]:
        """All events of one conversation, oldest first (optionally up to a position)."""
        query = select(broker_events).where(
            broker_events.c.sender_id == conversation_id
        )
        if up_to is not None:
            query = query.where(broker_events.c.id <= up_to)
        return list(self._rows(query.order_by(broker_events.c.id)))

    def conversation_ids(self) -> list[str]:
        """Every conversation that has events."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(broker_events.c.sender_id).distinct())
            return [row[0] for row in rows]

    def _rows(self, query) -> Iterator[StreamEvent]:  # noqa: ANN001
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                try:
                    data = json.loads(row.data)
                except (TypeError, ValueError):
                    continue  # a corrupt row must not stop the stream
                if isinstance(data, dict):
                    yield StreamEvent(row.id, row.sender_id, data)


@cache
def get_event_stream(url: str | None = None) -> EventStream:
    """A process-wide ``EventStream`` for ``url``."""
    return EventStream(url)
