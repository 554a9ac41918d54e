"""Actions of the reflection form: validation, dynamic questions, navigation.

The logic lives in ``bot.reflection`` and ``bot.traps``; these classes only
translate between Rasa's tracker and it.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.reflection import (
    RATING_SCALES,
    SKIPPED,
    parse_hours_since_infusion,
    parse_rating,
    parse_trap_choice,
    previous_answered_slot,
    reflection_slots,
    required_slots,
    step_of,
)
from bot.reflection.record import latest_completed, save_reflection
from bot.store import get_database
from bot.traps import TrapDetector, check_reframe, load_catalog

logger = logging.getLogger(__name__)

FORM = "reflection_form"
NOT_SURE = "not_sure"
OTHER = "other"
# Longest answer kept; the channel rejects longer messages before they get here.
MAX_ANSWER_CHARS = 4000


def _clean_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()
    return text[:MAX_ANSWER_CHARS] or None


def _has_previous(tracker: Tracker) -> bool:
    try:
        return latest_completed(get_database(), tracker.sender_id) is not None
    except Exception:  # noqa: BLE001 - storage trouble must not break the form
        logger.exception("could not read earlier reflections")
        return False


def _persist(
    tracker: Tracker, values: dict[str, Any], status: str | None = None
) -> list[EventType]:
    """Save the record; returns the event that remembers its id, when new."""
    known_id = values.get("reflection_id")
    try:
        reflection_id = save_reflection(
            get_database(), tracker.sender_id, values, known_id, status
        )
    except Exception:  # noqa: BLE001 - the conversation goes on; the tracker keeps the answers
        logger.exception("could not save reflection for a conversation")
        return []
    return (
        [] if reflection_id == known_id else [SlotSet("reflection_id", reflection_id)]
    )


def _slot_values(tracker: Tracker, events: list[EventType]) -> dict[str, Any]:
    values = dict(tracker.slots)
    for event in events:
        if event.get("event") == "slot":
            values[event["name"]] = event["value"]
    return values


def _trap_buttons(names: list[str]) -> list[dict[str, str]]:
    catalog = load_catalog()
    buttons = [
        {"title": catalog[name].label, "payload": catalog[name].label} for name in names
    ]
    buttons += [
        {"title": "Something else", "payload": "something else"},
        {"title": "Not sure", "payload": "not sure"},
    ]
    return buttons


class ValidateReflectionForm(FormValidationAction):
    """Validates every answer of the reflection and saves the record as it grows."""

    def name(self) -> str:
        return "validate_reflection_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return required_slots(has_previous_reflection=_has_previous(tracker))

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        events = await super().run(dispatcher, tracker, domain)
        answered = {
            event["name"]
            for event in events
            if event.get("event") == "slot" and event["name"] in reflection_slots()
        }
        if not answered:
            # Nothing validated: returning any SlotSet here would stop the form
            # from rejecting the turn, and rules (pause, FAQ...) would not run.
            return events
        return events + _persist(tracker, _slot_values(tracker, events), "in_progress")

    # Ratings -----------------------------------------------------------------

    def _rating(
        self, slot: str, value: Any, tracker: Tracker, dispatcher
    ) -> dict[str, Any]:  # noqa: ANN001
        if value == SKIPPED:
            return {slot: SKIPPED}
        low, high = RATING_SCALES[slot]
        rating = parse_rating(str(value), low, high)
        if rating.value is not None:
            return {slot: rating.value, "retry_slot": None}
        if tracker.get_slot("retry_slot") == slot:
            dispatcher.utter_message(
                text="No problem, let's leave that one and move on."
            )
            return {slot: SKIPPED, "retry_slot": None}
        scale = "0 to 100%" if high == 100 else "0 to 10"
        reason = (
            "That's outside the scale"
            if rating.problem == "out_of_range"
            else "I didn't catch a number there"
        )
        dispatcher.utter_message(
            text=f"{reason}. Could you give me a number from {scale}? A rough guess is fine."
        )
        return {slot: None, "retry_slot": slot}

    def validate_mood_before(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._rating("mood_before", value, tracker, dispatcher)

    def validate_anxiety_before(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._rating("anxiety_before", value, tracker, dispatcher)

    def validate_belief_before(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._rating("belief_before", value, tracker, dispatcher)

    def validate_emotion_intensity_before(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._rating("emotion_intensity_before", value, tracker, dispatcher)

    def validate_belief_after(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._rating("belief_after", value, tracker, dispatcher)

    def validate_emotion_intensity_after(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._rating("emotion_intensity_after", value, tracker, dispatcher)

    def validate_mood_after(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._rating("mood_after", value, tracker, dispatcher)

    # Other answers -------------------------------------------------------------

    def validate_hours_since_infusion(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        if value == SKIPPED:
            return {"hours_since_infusion": SKIPPED}
        hours = parse_hours_since_infusion(str(value))
        if hours is not None:
            return {"hours_since_infusion": hours, "retry_slot": None}
        if tracker.get_slot("retry_slot") == "hours_since_infusion":
            return {"hours_since_infusion": SKIPPED, "retry_slot": None}
        dispatcher.utter_message(
            text='Roughly is fine: for example "3 hours", "yesterday" or "2 days".'
        )
        return {"hours_since_infusion": None, "retry_slot": "hours_since_infusion"}

    def validate_traps_chosen(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        if value == SKIPPED or value == [SKIPPED]:
            return {"traps_chosen": SKIPPED}
        text = " ".join(value) if isinstance(value, list) else str(value)
        lowered = text.lower()
        catalog = load_catalog()
        labels = {name: trap.label for name, trap in catalog.traps.items()}
        chosen = parse_trap_choice(
            text, labels, tracker.get_slot("traps_suggested") or []
        )
        if chosen:
            return {"traps_chosen": chosen, "retry_slot": None}
        if "not sure" in lowered or "unsure" in lowered:
            return {"traps_chosen": [NOT_SURE], "retry_slot": None}
        if (
            tracker.get_slot("retry_slot") == "traps_chosen"
            and "something else" not in lowered
        ):
            return {"traps_chosen": [OTHER], "retry_slot": None}
        # The question is asked again, this time with the whole catalog.
        return {"traps_chosen": None, "retry_slot": "traps_chosen"}

    def validate_reframe(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        text = _clean_text(value)
        if text is None:
            return {"reframe": None}
        if text == SKIPPED or tracker.get_slot("reframe_checked"):
            return {"reframe": text}
        traps = [
            t
            for t in (tracker.get_slot("traps_chosen") or [])
            if t not in (NOT_SURE, OTHER, SKIPPED)
        ]
        check = check_reframe(text, tracker.get_slot("thought"), traps)
        if check.ok:
            return {"reframe": text, "reframe_checked": True}
        if check.reason == "bare_negation":
            nudge = "Flipping the thought to its opposite can be hard to believe."
        else:
            nudge = (
                "I notice some of the same all-or-none wording as the original thought."
            )
        dispatcher.utter_message(
            text=f"{nudge} Could you try a version that is balanced and believable, "
            "something a kind friend might say? Or keep yours, that's okay too."
        )
        return {"reframe": None, "reframe_checked": True}

    def _text(self, slot: str, value: Any) -> dict[str, Any]:
        return {slot: _clean_text(value)}

    def validate_previous_followup(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("previous_followup", value)

    def validate_body_check(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("body_check", value)

    def validate_infusion_highlight(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("infusion_highlight", value)

    def validate_thought(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("thought", value)

    def validate_emotion(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("emotion", value)

    def validate_evidence_for(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("evidence_for", value)

    def validate_evidence_against(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("evidence_against", value)

    def validate_intention(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("intention", value)

    def validate_therapy_note(
        self, value, dispatcher, tracker, domain
    ):  # noqa: ANN001, D102
        return self._text("therapy_note", value)


# Dynamic questions ---------------------------------------------------------------


class ActionAskPreviousFollowup(Action):
    """Recalls the last intention and reframe, and asks how it went."""

    def name(self) -> str:
        return "action_ask_previous_followup"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        previous = latest_completed(get_database(), tracker.sender_id) or {}
        lines = ["Before we start, a look back at your last reflection."]
        if _clean_text(previous.get("intention")) not in (None, SKIPPED):
            lines.append(f"You planned to: “{previous['intention']}”.")
        if _clean_text(previous.get("reframe")) not in (None, SKIPPED):
            lines.append(f"Your balanced thought was: “{previous['reframe']}”.")
        lines.append("How did that go?")
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionAskTrapsChosen(Action):
    """Suggests the likely thinking traps of the patient's thought as buttons."""

    def name(self) -> str:
        return "action_ask_traps_chosen"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        thought = tracker.get_slot("thought")
        catalog = load_catalog()
        suggestions = []
        wants_all = tracker.get_slot("retry_slot") == "traps_chosen"
        if isinstance(thought, str) and thought != SKIPPED and not wants_all:
            suggestions = [s.name for s in TrapDetector.load().detect(thought, top_k=3)]
        header = "Step 4 of 8 · Thinking trap\n"
        if suggestions:
            explained = "\n".join(
                f"• {catalog[name].label}: {catalog[name].explanation}"
                for name in suggestions
            )
            text = f"{header}Thoughts like this often fall into a common trap. Does one of these fit?\n{explained}"
            buttons = _trap_buttons(suggestions)
        else:
            text = (
                f"{header}Here are all the thinking traps. Pick any that fit the "
                "thought, or say what you notice in your own words."
            )
            buttons = _trap_buttons(list(catalog.traps))
        dispatcher.utter_message(text=text, buttons=buttons)
        # Showing the whole catalog keeps what was first suggested, for the summary.
        return [] if wants_all else [SlotSet("traps_suggested", suggestions)]


class ActionAskEvidenceFor(Action):
    """Opens the observer step with a Socratic question of the chosen trap."""

    def name(self) -> str:
        return "action_ask_evidence_for"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        catalog = load_catalog()
        chosen = [
            t for t in (tracker.get_slot("traps_chosen") or []) if t in catalog.traps
        ]
        question = catalog[chosen[0]].questions[0] if chosen else None
        text = (
            "Step 5 of 8 · Observer stance\n"
            "Try to look at the thought from a little distance, the way you may have "
            "watched thoughts pass during the infusion, as an observer rather than the thinker."
        )
        if question:
            text += f"\nA question to hold it up to: {question}"
        text += "\nWhat evidence seems to support the thought?"
        dispatcher.utter_message(text=text)
        return []


# Navigation ------------------------------------------------------------------------


def _requested(tracker: Tracker) -> str | None:
    return tracker.get_slot("requested_slot")


class ActionSkipStep(Action):
    """Marks the current question as skipped."""

    def name(self) -> str:
        return "action_skip_step"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        slot = _requested(tracker)
        if slot not in reflection_slots():
            return []
        dispatcher.utter_message(text="Okay, we'll skip that one.")
        return [SlotSet(slot, SKIPPED), SlotSet("retry_slot", None)]


_HINTS = {
    "reframe": (
        "That's okay, this is the hardest part. What would you say to a friend who had "
        "this thought? Or: what is a more flexible way to see it, one that makes room "
        "for the evidence on both sides?"
    ),
    "evidence_against": (
        "Take your time. Has there been a moment, even a small one, when the thought "
        "wasn't completely true?"
    ),
    "intention": "It can be tiny: a short walk, a glass of water, a message to someone.",
    "thought": (
        "It might be a thought that often shows up when you're low, like something "
        "you tell yourself about you, other people or the future."
    ),
}


class ActionHandleDontKnow(Action):
    """The first "I don't know" gets a gentle hint; the second moves on."""

    def name(self) -> str:
        return "action_handle_dont_know"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        slot = _requested(tracker)
        if slot not in reflection_slots():
            return []
        if slot == "traps_chosen":
            # "Not sure" is a real answer at this step, not a reason to hint.
            dispatcher.utter_message(
                text="That's okay. Noticing the thought is what matters."
            )
            return [SlotSet(slot, [NOT_SURE]), SlotSet("retry_slot", None)]
        if tracker.get_slot("retry_slot") != slot:
            hint = (
                _HINTS.get(slot)
                or "That's okay. A rough guess is fine, or you can say skip."
            )
            dispatcher.utter_message(text=hint)
            return [SlotSet("retry_slot", slot)]
        dispatcher.utter_message(text="That's fine, let's leave it for now.")
        return [SlotSet(slot, SKIPPED), SlotSet("retry_slot", None)]


class ActionGoBackStep(Action):
    """Clears the previous answer so the form asks it again."""

    def name(self) -> str:
        return "action_go_back_step"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        slots = required_slots(has_previous_reflection=_has_previous(tracker))
        previous = previous_answered_slot(slots, tracker.slots, _requested(tracker))
        if previous is None:
            dispatcher.utter_message(text="We're at the first question already.")
            return []
        dispatcher.utter_message(text="Sure, let's go back.")
        events = [SlotSet(previous, None), SlotSet("retry_slot", None)]
        if previous == "reframe":
            events.append(SlotSet("reframe_checked", None))
        return events


# Lifecycle -------------------------------------------------------------------------


class ActionStartReflection(Action):
    """Starts a fresh reflection, or resumes the one in progress."""

    def name(self) -> str:
        return "action_start_reflection"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        answered = [
            slot for slot in reflection_slots() if tracker.get_slot(slot) is not None
        ]
        still_open = tracker.get_slot("mood_after") is None
        if answered and still_open:
            step = next(
                (
                    step_of(slot)
                    for slot in reflection_slots()
                    if tracker.get_slot(slot) is None and step_of(slot)
                ),
                None,
            )
            where = f" at step {step.number} of 8, {step.title.lower()}" if step else ""
            dispatcher.utter_message(
                text=f"Welcome back. Let's pick up where you left off{where}."
            )
            return _persist(tracker, dict(tracker.slots), "in_progress")
        dispatcher.utter_message(response="utter_disclosure")
        dispatcher.utter_message(response="utter_how_to_move")
        fresh = {slot: None for slot in reflection_slots()}
        fresh.update(
            traps_suggested=None,
            reframe_checked=None,
            retry_slot=None,
            reflection_id=None,
        )
        events = [SlotSet(slot, None) for slot in fresh]
        return events + _persist(tracker, fresh, "in_progress")


class ActionPauseReflection(Action):
    """Records a pause; the answers stay in the tracker and the record."""

    def name(self) -> str:
        return "action_pause_reflection"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        return _persist(tracker, dict(tracker.slots), "paused")


def _quote(value: Any) -> str | None:
    text = _clean_text(value)
    return None if text in (None, SKIPPED) else f"“{text}”"


class ActionCompleteReflection(Action):
    """Closes the reflection: a recap in the patient's own words, then saves it."""

    def name(self) -> str:
        return "action_complete_reflection"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        recap = ["Here is your reflection, in your own words:"]
        for label, slot in (
            ("The thought", "thought"),
            ("A more balanced view", "reframe"),
            ("Your next step", "intention"),
        ):
            quoted = _quote(tracker.get_slot(slot))
            if quoted:
                recap.append(f"• {label}: {quoted}")
        before, after = tracker.get_slot("mood_before"), tracker.get_slot("mood_after")
        if isinstance(before, (int, float)) and isinstance(after, (int, float)):
            recap.append(f"• Mood: {before:g} → {after:g} out of 10")
        if len(recap) > 1:
            dispatcher.utter_message(text="\n".join(recap))
        dispatcher.utter_message(response="utter_reflection_closed")
        return _persist(tracker, dict(tracker.slots), "completed")
