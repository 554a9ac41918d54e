"""Crisis detection for patient messages.

``CrisisDetector.load().scan(text, context)`` returns a :class:`Verdict` with a
C-SSRS-style triage level, the category that decided it, evidence spans into
the original text and the detector version. ``routing_intent`` maps a verdict
to the dialogue intent (see docs/ARCHITECTURE.md).
"""

from bot.safety.conversation import ConversationRisk, scan_conversation
from bot.safety.detector import CrisisDetector
from bot.safety.verdict import (
    CATEGORIES,
    ROUTING_INTENTS,
    Evidence,
    Level,
    Verdict,
    routing_intent,
)
from bot.safety.version import DETECTOR_VERSION

__all__ = [
    "CATEGORIES",
    "DETECTOR_VERSION",
    "ROUTING_INTENTS",
    "ConversationRisk",
    "CrisisDetector",
    "Evidence",
    "Level",
    "Verdict",
    "routing_intent",
    "scan_conversation",
]
