"""Realistic Rasa 3.6 event dicts (the shapes of ``Event.as_dict``).

``Conversation`` writes events with a ticking clock, the way the tracker and
the SQL event broker record them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

START = datetime(2026, 5, 12, 14, 0, tzinfo=timezone.utc).timestamp()

NO_CRISIS = {
    "level": "none",
    "category": None,
    "evidence": [],
    "language": "en",
    "detector_version": "2026.11.1",
}

# Answers of a whole reflection, in form order (docs/ARCHITECTURE.md).
FULL_ANSWERS = [
    ("mood_before", 4.0, "4"),
    ("anxiety_before", 7.0, "7"),
    ("body_check", "Heavy limbs, a bit foggy", "Heavy limbs, a bit foggy"),
    ("infusion_highlight", "I saw my dad's kitchen", "I saw my dad's kitchen"),
    ("thought", "I always ruin everything", "I always ruin everything"),
    ("belief_before", 80.0, "80"),
    ("emotion", "shame", "shame"),
    ("emotion_intensity_before", 8.0, "8"),
    ("traps_chosen", ["all_or_nothing", "labeling"], "all or nothing and labeling"),
    ("evidence_for", "I forgot her birthday", "I forgot her birthday"),
    ("evidence_against", "I fixed the car for Sam", "I fixed the car for Sam"),
    ("reframe", "Sometimes I slip, often I help", "Sometimes I slip, often I help"),
    ("belief_after", 45.0, "45"),
    ("emotion_intensity_after", 5.0, "5"),
    ("intention", "Call Sam on Sunday", "Call Sam on Sunday"),
    ("therapy_note", "skipped", "skip"),
    ("mood_after", 6.0, "6"),
]


class Conversation:
    """Builds a list of Rasa event dicts for one sender."""

    def __init__(self, sender_id: str = "conv-1", start: float = START) -> None:
        self.sender_id = sender_id
        self.clock = start
        self.events: list[dict[str, Any]] = []

    def tick(self, seconds: float = 5.0) -> float:
        self.clock += seconds
        return self.clock

    def _add(self, event: dict[str, Any]) -> dict[str, Any]:
        # The SQL event broker adds the sender to every published event.
        event["sender_id"] = self.sender_id
        self.events.append(event)
        return event

    def wait(self, minutes: float) -> Conversation:
        self.clock += minutes * 60
        return self

    def action(self, name: str, policy: str | None = None) -> Conversation:
        self._add(
            {
                "event": "action",
                "timestamp": self.tick(0.2),
                "name": name,
                "policy": policy or "RulePolicy",
                "confidence": 1.0,
                "action_text": None,
                "hide_rule_turn": False,
            }
        )
        return self

    def user(
        self,
        text: str,
        intent: str = "inform",
        crisis: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> Conversation:
        self._add(
            {
                "event": "user",
                "timestamp": self.tick(),
                "text": text,
                "parse_data": {
                    "intent": {"name": intent, "confidence": 0.93},
                    "entities": entities or [],
                    "text": text,
                    "message_id": f"m{len(self.events)}",
                    "metadata": {},
                    "intent_ranking": [{"name": intent, "confidence": 0.93}],
                    "crisis": crisis or NO_CRISIS,
                },
                "input_channel": "afterglow",
                "message_id": f"m{len(self.events)}",
                "metadata": {},
            }
        )
        self._add(
            {
                "event": "user_featurization",
                "timestamp": self.tick(0.1),
                "use_text_for_featurization": False,
            }
        )
        return self

    def bot(self, text: str) -> Conversation:
        self._add(
            {
                "event": "bot",
                "timestamp": self.tick(0.3),
                "metadata": {"utter_action": "utter_x"},
                "text": text,
                "data": {
                    "elements": None,
                    "quick_replies": None,
                    "buttons": None,
                    "attachment": None,
                    "image": None,
                    "custom": None,
                },
            }
        )
        return self

    def slot(self, name: str, value: Any) -> Conversation:
        self._add(
            {"event": "slot", "timestamp": self.tick(0.1), "name": name, "value": value}
        )
        return self

    def loop(self, name: str | None) -> Conversation:
        self._add({"event": "active_loop", "timestamp": self.tick(0.1), "name": name})
        return self

    def listen(self) -> Conversation:
        return self.action("action_listen")

    def rewind(self) -> Conversation:
        self._add({"event": "rewind", "timestamp": self.tick(0.1)})
        return self

    def restart(self) -> Conversation:
        self._add({"event": "restart", "timestamp": self.tick(0.1)})
        return self

    def session_start(self, carry_over: dict[str, Any]) -> Conversation:
        """``action_session_start``: SessionStarted, carried slots, listen."""
        self.action("action_session_start")
        self._add({"event": "session_started", "timestamp": self.tick(0.1)})
        for name, value in carry_over.items():
            self.slot(name, value)
        return self.listen()

    # -- reflection helpers -------------------------------------------------

    def open_reflection(self, hours: float = 20.0) -> Conversation:
        self.user("I'd like to reflect", intent="start_reflection")
        self.action("utter_ask_hours_since_infusion").bot(
            "How many hours ago was your infusion?"
        ).listen()
        self.user(str(int(hours))).slot("hours_since_infusion", hours)
        self.action("reflection_form").loop("reflection_form")
        return self

    def answer(self, slot: str, value: Any, text: str) -> Conversation:
        """Patient answers the requested slot; the form asks the next one."""
        self.user(text)
        self.action("reflection_form").slot(slot, value)
        return self

    def ask(self, slot: str) -> Conversation:
        self.slot("requested_slot", slot).bot(f"Question for {slot}?").listen()
        return self

    def run_answers(self, answers) -> Conversation:
        """Ask and answer each (slot, value, text), suggesting traps before step 4."""
        for slot, value, text in answers:
            if slot == "traps_chosen":
                self.slot(
                    "traps_suggested", ["all_or_nothing", "labeling", "fortune_telling"]
                )
            self.ask(slot)
            self.answer(slot, value, text)
        return self

    def complete(self) -> Conversation:
        self.loop(None).slot("requested_slot", None)
        self.bot("Thank you for reflecting today.").listen()
        return self

    def pause(self) -> Conversation:
        self.user("can we stop for now", intent="pause_reflection")
        self.action("action_pause_reflection").loop(None).slot("requested_slot", None)
        self.bot("Paused. Say 'resume' any time.").listen()
        return self

    def resume(self) -> Conversation:
        self.user("resume", intent="resume_reflection")
        self.action("reflection_form").loop("reflection_form")
        return self


def crisis_verdict(level: str, category: str, text: str) -> dict[str, Any]:
    return {
        "level": level,
        "category": category,
        "evidence": [
            {"rule": f"{category}.x", "text": text, "start": 0, "end": len(text)}
        ],
        "language": "en",
        "detector_version": "2026.11.1",
    }


def completed_reflection(sender_id: str = "conv-1") -> Conversation:
    """A whole reflection, every step answered."""
    conversation = Conversation(sender_id)
    conversation.action("action_session_start")
    conversation._add({"event": "session_started", "timestamp": conversation.tick(0.1)})
    conversation.listen().open_reflection().run_answers(FULL_ANSWERS).complete()
    return conversation
