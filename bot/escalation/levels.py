"""Risk levels and the routing intents that carry them.

Levels are ordered ``none < low < moderate < high < imminent``; the routing
intents are the ones ``bot.components.CrisisDetector`` writes (see
docs/ARCHITECTURE.md, "Crisis path").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

LEVELS = ("none", "low", "moderate", "high", "imminent")
URGENT_LEVELS = frozenset({"high", "imminent"})

# routing intent -> (level, category it implies or None)
ROUTING_INTENTS = {
    "crisis_imminent": ("imminent", None),
    "crisis_high": ("high", None),
    "crisis_moderate": ("moderate", None),
    "crisis_low": ("low", None),
    "crisis_check": ("low", "unclear"),
    "medical_emergency": ("imminent", "medical_emergency"),
    "medical_concern": ("moderate", "persistent_dissociation"),
}


def rank(level: str | None) -> int:
    """Position of ``level`` in the order; unknown or missing levels rank 0."""
    try:
        return LEVELS.index(level)  # type: ignore[arg-type]
    except ValueError:
        return 0


def highest(levels: Iterable[str | None]) -> str:
    """The highest known level among ``levels`` (``none`` if there is none)."""
    return max((level for level in levels if level in LEVELS), key=rank, default="none")


def normalize_level(value: Any) -> str | None:
    """A detector level as one of ``LEVELS``.

    Returns ``None`` when the value says nothing (missing, empty). A value that
    is present but not a known level is a contract violation upstream; it is
    read as ``high`` so that a flag is never lost to a typo.
    """
    if value is None:
        return None
    text = str(getattr(value, "value", value)).strip().lower()
    if not text:
        return None
    return text if text in LEVELS else "high"
