"""Settling an escalation's level from the C-SSRS screener answers.

The scoring lives in ``bot.safety.cssrs`` (one copy of the clinical rule,
shared with ``actions/crisis.py``); this module only feeds it the slot values
and turns its ``Level`` into a level name.
"""

from __future__ import annotations

import importlib
from typing import Any

from bot.escalation.levels import LEVELS, normalize_level

# Answer keys of bot.safety.cssrs for slot names that differ from them.
_ANSWER_KEYS = {"behavior": "behavior_past_3_months"}


class ScreenerUnavailable(RuntimeError):
    """``bot.safety.cssrs`` cannot be imported or has no ``settle_level``."""


def _level_name(level: Any) -> str | None:
    if level is None:
        return None
    for attribute in ("label", "value", "name"):
        value = getattr(level, attribute, None)
        if isinstance(value, str) and value.lower() in LEVELS:
            return value.lower()
    return normalize_level(level)


def settle_level(slots: dict[str, bool | None]) -> str | None:
    """The level the screener settles on, or ``None`` while it cannot say.

    Args:
        slots: Screener slot names without ``cssrs_`` (``wish_dead``, ...,
            ``behavior``) mapped to true/false/None.
    """
    try:
        cssrs = importlib.import_module("bot.safety.cssrs")
        settle = cssrs.settle_level
    except (ImportError, AttributeError) as error:
        raise ScreenerUnavailable("bot.safety.cssrs.settle_level is missing") from error
    answers_type = getattr(cssrs, "ScreenerAnswers", None)
    if answers_type is not None and hasattr(answers_type, "from_slots"):
        answers = answers_type.from_slots(dict(slots))
    else:
        answers = {_ANSWER_KEYS.get(name, name): value for name, value in slots.items()}
    return _level_name(settle(answers))
