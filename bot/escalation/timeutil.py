"""UTC helpers: every time the escalation code handles is timezone-aware UTC.

Stored times already come back aware (``bot.store.types.UTCDateTime``); these
helpers cover Rasa's event timestamps and ISO text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from bot.store.types import as_utc, utcnow

Clock = Callable[[], datetime]

__all__ = ["Clock", "as_utc", "from_timestamp", "iso", "utcnow"]


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
