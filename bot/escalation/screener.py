"""Settling an escalation's level from the C-SSRS screener answers.

The clinical rule lives in ``bot.safety.cssrs`` (shared with
``actions/crisis.py``): ``settle(initial, answers)`` raises the detector's level
on positive answers and never lowers it. This module only speaks level names.
"""

from __future__ import annotations

from bot.safety.cssrs import settle
from bot.safety.verdict import Level


def settle_level(initial: str, answers: dict[str, bool | None]) -> str:
    """The final level of an escalation first flagged at ``initial``.

    Args:
        initial: The detector's level name (``low`` ... ``imminent``).
        answers: Every screener question mapped to True, False or None.
    """
    return settle(Level.parse(initial), answers).label
