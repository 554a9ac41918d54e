"""UTC helpers: SQLite hands back naive datetimes even for UTC columns."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.store.models import utcnow

__all__ = ["as_utc", "utcnow"]


def as_utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC datetime (naive values are taken to be UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)
