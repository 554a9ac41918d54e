"""Rasa graph components (thin adapters onto ``bot`` domain logic).

``bot.components.CrisisDetector`` is the NLU component that runs the crisis
detector; it is imported lazily so that importing this package (for example
for ``crisis_policy``) does not load the detector's lexicon.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "CrisisDetector":
        from bot.components.crisis_detector import CrisisDetector

        return CrisisDetector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
