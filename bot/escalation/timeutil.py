"""UTC helpers: every time the escalation code handles is timezone-aware UTC.

SQLite hands ``DateTime(timezone=True)`` columns back as naive datetimes (the
stored text has no offset), so values read from the store go through
``as_utc`` before any comparison with an aware ``now``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from bot.store.models import utcnow

Clock = Callable[[], datetime]

__all__ = ["Clock", "as_utc", "from_timestamp", "iso", "utcnow"]


def as_utc(value: datetime | None) -> datetime | None:
    """``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def from_timestamp(value: Any, default: datetime) -> datetime:
    """A Rasa event timestamp (unix seconds) as UTC; ``default`` if unusable."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    if not math.isfinite(value):
        return default
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return default


def iso(value: datetime | None) -> str | None:
    """ISO 8601 text of a stored time, with its UTC offset."""
    value = as_utc(value)
    return value.isoformat() if value else None
