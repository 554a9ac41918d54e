"""Crisis detection for patient messages.

``CrisisDetector.load().scan(text, context)`` returns a :class:`Verdict` with a
C-SSRS-style triage level, the category that decided it, evidence spans into
the original text and the detector version. ``routing_intent`` maps a verdict
to the dialogue intent (see docs/ARCHITECTURE.md).

Names are imported on first use: the detector loads spaCy, and light modules
such as ``bot.safety.cssrs`` or ``bot.safety.plan`` must stay cheap to import
(the clinic worker and the admin commands use them).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ConversationRisk": "bot.safety.conversation",
    "scan_conversation": "bot.safety.conversation",
    "CrisisDetector": "bot.safety.detector",
    "CATEGORIES": "bot.safety.verdict",
    "ROUTING_INTENTS": "bot.safety.verdict",
    "Evidence": "bot.safety.verdict",
    "Level": "bot.safety.verdict",
    "Verdict": "bot.safety.verdict",
    "routing_intent": "bot.safety.verdict",
    "DETECTOR_VERSION": "bot.safety.version",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bot.safety' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
