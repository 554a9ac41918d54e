"""Settling an escalation's level from the C-SSRS screener answers.

The scoring itself lives in ``bot.safety.cssrs`` (one copy of the clinical
rule); this module only adapts its result to a level string.
"""

from __future__ import annotations

import importlib

from bot.escalation.levels import normalize_level

_SETTLE_NAMES = ("settle_level", "settle", "level_from_answers", "screen")


class ScreenerUnavailable(RuntimeError):
    """``bot.safety.cssrs`` or its settling function is not importable."""


def _settle_function():  # noqa: ANN202
    try:
        module = importlib.import_module("bot.safety.cssrs")
    except ImportError as error:
        raise ScreenerUnavailable("bot.safety.cssrs is not importable") from error
    for name in _SETTLE_NAMES:
        function = getattr(module, name, None)
        if callable(function):
            return function
    raise ScreenerUnavailable("bot.safety.cssrs has no settling function")


def settle_level(answers: dict[str, bool | None]) -> str | None:
    """The level the screener answers settle on, or ``None`` if unsettled."""
    return normalize_level(_settle_function()(answers))
