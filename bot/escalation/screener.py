"""Settling an escalation's level from the C-SSRS screener answers.

The clinical rule lives in ``bot.safety.cssrs`` (shared with
``actions/crisis.py``): ``settle(initial, answers)`` raises the detector's level
on positive answers and never lowers it. This module only calls it with level
names. Importing ``bot.safety`` loads spaCy (seconds), so the worker warms it
up at start (``preload``) rather than inside an ingest transaction.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType

logger = logging.getLogger(__name__)

CSSRS_MODULE = "bot.safety.cssrs"


class ScreenerUnavailable(RuntimeError):
    """``bot.safety.cssrs`` cannot be imported or lacks ``settle``."""


def _cssrs() -> ModuleType:
    try:
        module = importlib.import_module(CSSRS_MODULE)
    except ImportError as error:
        raise ScreenerUnavailable(f"{CSSRS_MODULE} is not importable") from error
    if not callable(getattr(module, "settle", None)):
        raise ScreenerUnavailable(f"{CSSRS_MODULE} has no settle()")
    return module


def preload() -> bool:
    """Import the screener now; False (and a warning) when it is unavailable."""
    try:
        _cssrs()
    except ScreenerUnavailable:
        logger.warning(
            "%s unavailable: screener answers will not settle levels", CSSRS_MODULE
        )
        return False
    return True


def settle_level(initial: str, answers: dict[str, bool | None]) -> str:
    """The final level of an escalation first flagged at ``initial``.

    Args:
        initial: The detector's level name (``low`` ... ``imminent``).
        answers: Every screener question mapped to True, False or None.

    Raises:
        ScreenerUnavailable: ``bot.safety.cssrs`` is missing.
    """
    cssrs = _cssrs()
    level_type = getattr(cssrs, "Level", None)
    if level_type is None:
        level_type = importlib.import_module("bot.safety.verdict").Level
    return cssrs.settle(level_type.parse(initial), answers).label
