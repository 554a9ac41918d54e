"""Thinking traps: the catalog, the detector and the reframe check.

>>> from bot.traps import load_catalog, TrapDetector, check_reframe
>>> load_catalog()["labeling"].label
'Labeling'
"""

from bot.traps.catalog import TRAP_NAMES, Catalog, CatalogError, Trap, load_catalog
from bot.traps.detector import TrapDetector, TrapSuggestion
from bot.traps.reframe import ReframeCheck, check_reframe

__all__ = [
    "TRAP_NAMES",
    "Catalog",
    "CatalogError",
    "ReframeCheck",
    "Trap",
    "TrapDetector",
    "TrapSuggestion",
    "check_reframe",
    "load_catalog",
]
