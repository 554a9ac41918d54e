"""Value types returned by the crisis detector and the routing table.

The JSON shape of :meth:`Verdict.to_dict` and the routing table are part of the
contract in ``docs/ARCHITECTURE.md``; change them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

CATEGORIES = (
    "explicit_si",
    "passive_si",
    "plan_means",
    "self_harm",
    "harm_others",
    "goodbye",
    "medical_emergency",
    "persistent_dissociation",
    "hopelessness",
    "past_history",
    "method_seeking",
    # The semantic layer is unsure: the bot asks one direct question.
    "unclear",
)

# Set only by the semantic layer in its uncertain band; no lexicon rule has it.
ASK_CATEGORY = "unclear"
RULE_CATEGORIES = tuple(c for c in CATEGORIES if c != ASK_CATEGORY)

# When two findings share the top level, the earlier category names the verdict:
# the one whose response is most specific or most time-critical wins.
CATEGORY_PRIORITY = (
    "medical_emergency",
    "plan_means",
    "goodbye",
    "self_harm",
    "harm_others",
    "method_seeking",
    "explicit_si",
    "past_history",
    "persistent_dissociation",
    "passive_si",
    "hopelessness",
    "unclear",
)

ROUTING_INTENTS = (
    "crisis_imminent",
    "crisis_high",
    "crisis_moderate",
    "crisis_low",
    "medical_emergency",
    "medical_concern",
    "crisis_check",
)


class Level(IntEnum):
    """Triage level, ordered so that comparisons mean "more urgent than"."""

    NONE = 0
    LOW = 1
    MODERATE = 2
    HIGH = 3
    IMMINENT = 4

    @property
    def label(self) -> str:
        """Lower-case name used in JSON, e.g. ``"imminent"``."""
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, value: str | int | Level) -> Level:
        """Return the level for a label (``"high"``), a number or a level.

        Raises:
            ValueError: for anything that is not a level.
        """
        if isinstance(value, Level):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if isinstance(value, str) and value.upper() in cls.__members__:
            return cls[value.upper()]
        raise ValueError(f"not a crisis level: {value!r}")


@dataclass(frozen=True)
class Evidence:
    """One matched span: which rule, what text, where in the original message."""

    rule: str
    text: str
    start: int
    end: int
    # For a semantic finding: the ids of the nearest labelled examples.
    nearest: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }
        if self.nearest:
            data["nearest"] = list(self.nearest)
        return data


@dataclass(frozen=True)
class Verdict:
    """Result of scanning one message.

    Attributes:
        level: triage level.
        category: category that determined the level, ``None`` for level none.
        evidence: matched spans, the deciding one first.
        language: ``"es"`` when the deciding evidence is Spanish, else ``"en"``.
        detector_version: version of detector code and lexicon.
    """

    level: Level
    category: str | None
    evidence: tuple[Evidence, ...] = field(default=())
    language: str = "en"
    detector_version: str = ""

    @property
    def flagged(self) -> bool:
        return self.level > Level.NONE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, exactly the shape documented in ARCHITECTURE.md."""
        return {
            "level": self.level.label,
            "category": self.category,
            "evidence": [item.to_dict() for item in self.evidence],
            "language": self.language,
            "detector_version": self.detector_version,
        }


def routing_intent(verdict: Verdict) -> str | None:
    """Map a verdict to the intent the dialogue rules route on.

    Returns:
        One of :data:`ROUTING_INTENTS`, or ``None`` when the level is none.
    """
    if verdict.level == Level.NONE:
        return None
    if verdict.category == "medical_emergency":
        return "medical_emergency"
    if verdict.category == "persistent_dissociation":
        return "medical_concern"
    if verdict.category == "unclear":
        return "crisis_check"
    return {
        Level.IMMINENT: "crisis_imminent",
        Level.HIGH: "crisis_high",
        Level.MODERATE: "crisis_moderate",
        Level.LOW: "crisis_low",
    }[verdict.level]
