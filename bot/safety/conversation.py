"""Risk across a conversation: a later retraction never lowers an earlier flag.

"I want to kill myself ... never mind, forget it" must stay flagged. Each
message is scanned with the previous ones as context; the conversation's risk
is the highest verdict so far (the earliest one on ties).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.safety.detector import CONTEXT_MESSAGES, CrisisDetector
from bot.safety.verdict import Level, Verdict


class ConversationRisk:
    """Accumulates verdicts for one conversation.

    Args:
        detector: the detector to use; the shared one by default.
    """

    def __init__(self, detector: CrisisDetector | None = None) -> None:
        self._detector = detector or CrisisDetector.load()
        self._messages: list[str] = []
        self.verdicts: list[Verdict] = []
        self.peak: Verdict | None = None

    @property
    def level(self) -> Level:
        """Highest level seen so far (none before any flagged message)."""
        return self.peak.level if self.peak else Level.NONE

    def add(self, text: str) -> Verdict:
        """Scan the next user message and return its own verdict."""
        verdict = self._detector.scan(text, context=self._messages[-CONTEXT_MESSAGES:])
        self._messages.append(text if isinstance(text, str) else str(text))
        self.verdicts.append(verdict)
        if self.peak is None or verdict.level > self.peak.level:
            self.peak = verdict
        return verdict

    def extend(self, texts: Iterable[str]) -> list[Verdict]:
        return [self.add(text) for text in texts]


def scan_conversation(
    messages: Sequence[str], detector: CrisisDetector | None = None
) -> list[Verdict]:
    """Verdict for every user message, each scanned with the earlier ones as context.

    Per-message verdicts are returned unchanged; use :class:`ConversationRisk`
    (or ``max(verdicts, key=lambda v: v.level)``) for the conversation's level,
    which a retraction cannot lower.
    """
    risk = ConversationRisk(detector)
    return risk.extend(messages)
