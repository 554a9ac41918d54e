"""Which recorded infusion a reflection is about.

The record and the summary both ask this; this module is the only answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.store.types import as_utc

# Patients estimate the time since their infusion roughly ("yesterday").
ESTIMATE_SLACK = timedelta(hours=6)

InfusionT = TypeVar("InfusionT")


def infusion_reflected_on(
    infusions: Iterable[InfusionT],
    at: datetime,
    hours_since: Any = None,
) -> InfusionT | None:
    """The latest infusion given before the one the patient describes.

    Args:
        infusions: The patient's infusions, in any order.
        at: When the reflection started.
        hours_since: The patient's estimate of the hours since the infusion;
            anything that is not a number means no estimate.

    Returns:
        The infusion, or ``None`` when none fits.
    """
    at = as_utc(at)
    latest = at
    if isinstance(hours_since, (int, float)) and not isinstance(hours_since, bool):
        latest = min(at, at - timedelta(hours=hours_since) + ESTIMATE_SLACK)
    dated = [(as_utc(getattr(i, "administered_at", None)), i) for i in infusions]
    fitting = [(moment, i) for moment, i in dated if moment and moment <= latest]
    return max(fitting, key=lambda pair: pair[0])[1] if fitting else None
