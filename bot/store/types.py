"""Time in the store: every timestamp is an aware UTC ``datetime``.

SQLite keeps ``DateTime(timezone=True)`` as text without an offset, so it hands
back naive values, and it would store an aware non-UTC time at its wall clock.
``UTCDateTime`` converts on the way in and out, so no caller has to.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.types import DateTime, TypeDecorator


def utcnow() -> datetime:
    """Timezone-aware now."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC datetime; a naive value is taken to be UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp column that stores UTC and always reads back aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is not None and not isinstance(value, datetime):
            raise TypeError(f"a timestamp must be a datetime, not {type(value)!r}")
        return as_utc(value)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return as_utc(value)
