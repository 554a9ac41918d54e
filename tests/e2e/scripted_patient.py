"""A simulated patient who answers whatever the bot asks, from a persona sheet.

The sheets in ``personas/`` were written by separate sessions, one voice each,
before the bot was run on them. The patient recognises a question by the
domain response it was rendered from (variables match anything), so it follows
the bot in any order: a re-ask, a hint, a safety check or a resumed step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = Path(__file__).parent / "personas"

# Questions asked by an action, or outside the form, and the sheet key they ask.
_ASKED_BY = {
    "utter_trap_suggestions": "traps_chosen",
    "utter_trap_catalog": "traps_chosen",
    "utter_evidence_for": "evidence_for",
    "utter_evidence_for_with_question": "evidence_for",
    "utter_followup_intention_and_reframe": "previous_followup",
    "utter_followup_intention": "previous_followup",
    "utter_followup_reframe": "previous_followup",
    "utter_followup_plain": "previous_followup",
    "utter_ask_safe_now": "safe_now",
    "utter_ask_low_safety": "crisis_question",
    "utter_ask_crisis_check": "crisis_question",
    "utter_offer_reflection": "continue",
    "utter_offer_continue_or_stop": "continue",
}
CLOSED = "utter_reflection_closed"
MAX_TURNS = 60


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{[^{}\n]+\}", template)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.DOTALL)


@lru_cache(maxsize=1)
def _question_patterns() -> list[tuple[str, re.Pattern]]:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    patterns = []
    for name, variants in responses.items():
        key = _ASKED_BY.get(name)
        if key is None and name.startswith("utter_ask_") and "cssrs" not in name:
            key = name.removeprefix("utter_ask_")
        if name == CLOSED:
            key = "closed"
        if key is None:
            continue
        for variant in variants:
            if "condition" not in variant and variant.get("text"):
                patterns.append((key, _pattern(variant["text"])))
    return patterns


@dataclass
class ScriptedPatient:
    """Talks to a running stack until the reflection closes."""

    stack: Any
    sender: str
    persona: dict
    transcript: list[tuple[str, str]] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    @classmethod
    def from_sheet(cls, stack: Any, voice: str) -> ScriptedPatient:
        sheet = yaml.safe_load((PERSONAS / f"{voice}.yml").read_text())
        return cls(stack, f"scripted-{voice}", sheet["answers"])

    def _say(self, text: str) -> list[str]:
        replies = [m.get("text") or "" for m in self.stack.send(self.sender, text)]
        self.transcript.append(("patient", text))
        self.transcript += [("bot", reply) for reply in replies]
        return replies

    def _asked(self, replies: list[str]) -> str | None:
        patterns = _question_patterns()
        for reply in reversed(replies):
            for key, pattern in patterns:
                if pattern.fullmatch(reply.strip()):
                    return key
        return None

    def _answer(self, key: str) -> str:
        answer = self.persona[key]
        again = self.asked[-2:-1] == [key]
        return answer.get("retry", answer["text"]) if again else answer["text"]

    def reflect(self) -> None:
        """From the greeting to the closing words; fails with the transcript."""
        replies = self._say(self.persona["greeting"]["text"])
        for _ in range(MAX_TURNS):
            key = self._asked(replies)
            if key == "closed":
                return
            assert key is not None, f"no question recognised:\n{self.dump()}"
            self.asked.append(key)
            replies = self._say(self._answer(key))
        raise AssertionError(f"not closed after {MAX_TURNS} turns:\n{self.dump()}")

    def dump(self) -> str:
        """The conversation, for a failing assertion (test data, not patients')."""
        return "\n".join(f"{who:>7}: {text}" for who, text in self.transcript)
