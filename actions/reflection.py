"""Actions of the reflection form: Rasa's side of ``bot.reflection.turns``.

What happens to each answer or request is decided there; these classes read
the tracker, send the chosen domain responses and return the slot events.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.reflection import turns
from bot.reflection.record import latest_completed, save_reflection
from bot.reflection.steps import (
    RATING_SCALES,
    TEXT_SLOTS,
    reflection_slots,
    required_slots,
)
from bot.store import get_database
from bot.traps import TrapDetector, load_catalog

logger = logging.getLogger(__name__)


def _say(dispatcher: CollectingDispatcher, turn: turns.Turn) -> None:
    for say in turn.say:
        dispatcher.utter_message(
            response=say.response, buttons=list(say.buttons), **say.variables
        )


def _events(dispatcher: CollectingDispatcher, turn: turns.Turn) -> list[EventType]:
    _say(dispatcher, turn)
    return [SlotSet(name, value) for name, value in turn.slots.items()]


def _has_previous(tracker: Tracker) -> bool:
    try:
        return latest_completed(get_database(), tracker.sender_id) is not None
    except Exception:  # noqa: BLE001 - storage trouble must not break the form
        logger.exception("could not read earlier reflections")
        return False


def _persist(
    tracker: Tracker, values: Mapping[str, Any], status: str | None = None
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


def _validator(slot: str):  # noqa: ANN202 - a bound validate_<slot> method
    """``validate_<slot>`` for one reflection slot, as FormValidationAction wants."""

    def validate(self, value, dispatcher, tracker, domain):  # noqa: ANN001
        retry = tracker.get_slot(turns.RETRY)
        if slot in RATING_SCALES:
            turn = turns.rating_answer(slot, value, retry)
        elif slot == "hours_since_infusion":
            turn = turns.hours_answer(value, retry)
        elif slot == "traps_chosen":
            turn = turns.trap_answer(
                value, load_catalog(), tracker.get_slot("traps_suggested") or [], retry
            )
        elif slot == "reframe":
            turn = turns.reframe_answer(
                value,
                tracker.get_slot("thought"),
                tracker.get_slot("traps_chosen"),
                bool(tracker.get_slot("reframe_checked")),
            )
        else:
            turn = turns.text_answer(slot, value)
        _say(dispatcher, turn)
        return dict(turn.slots)

    validate.__name__ = f"validate_{slot}"
    return validate


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


for _slot in (*RATING_SCALES, *TEXT_SLOTS, "hours_since_infusion", "traps_chosen"):
    setattr(ValidateReflectionForm, f"validate_{_slot}", _validator(_slot))


# Questions that depend on earlier answers --------------------------------------


class ActionAskPreviousFollowup(Action):
    """Recalls the last intention and reframe, and asks how it went."""

    def name(self) -> str:
        return "action_ask_previous_followup"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        previous = latest_completed(get_database(), tracker.sender_id) or {}
        _say(dispatcher, turns.Turn(say=(turns.followup_question(previous),)))
        return []


class ActionAskTrapsChosen(Action):
    """Suggests the likely thinking traps of the patient's thought as buttons."""

    def name(self) -> str:
        return "action_ask_traps_chosen"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        thought = turns.clean_text(tracker.get_slot("thought"))
        wants_all = tracker.get_slot(turns.RETRY) == "traps_chosen"
        suggestions, ranked = (), ()
        if thought and thought != turns.SKIPPED:
            reading = TrapDetector.load().read(thought, top_k=3)
            ranked = reading.ranked
            suggestions = () if wants_all else reading.suggestions
        question = turns.trap_question(load_catalog(), suggestions, wants_all, ranked)
        return _events(dispatcher, question)


class ActionAskEvidenceFor(Action):
    """Opens the observer step with a Socratic question of the chosen trap."""

    def name(self) -> str:
        return "action_ask_evidence_for"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        say = turns.evidence_question(load_catalog(), tracker.get_slot("traps_chosen"))
        _say(dispatcher, turns.Turn(say=(say,)))
        return []


# Navigation ------------------------------------------------------------------------


class ActionSkipStep(Action):
    """Marks the current question as skipped."""

    def name(self) -> str:
        return "action_skip_step"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        return _events(dispatcher, turns.skip(tracker.get_slot("requested_slot")))


class ActionHandleDontKnow(Action):
    """The first "I don't know" gets a gentle hint; the second moves on."""

    def name(self) -> str:
        return "action_handle_dont_know"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        turn = turns.dont_know(
            tracker.get_slot("requested_slot"), tracker.get_slot(turns.RETRY)
        )
        return _events(dispatcher, turn)


class ActionGoBackStep(Action):
    """Clears the previous answer so the form asks it again."""

    def name(self) -> str:
        return "action_go_back_step"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        slots = required_slots(has_previous_reflection=_has_previous(tracker))
        turn = turns.go_back(slots, tracker.slots, tracker.get_slot("requested_slot"))
        return _events(dispatcher, turn)


# Lifecycle -------------------------------------------------------------------------


class ActionStartReflection(Action):
    """Starts a fresh reflection, or resumes the one in progress."""

    def name(self) -> str:
        return "action_start_reflection"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        turn = turns.start_or_resume(tracker.slots, tracker.events)
        events = _events(dispatcher, turn)
        return events + _persist(
            tracker, {**tracker.slots, **turn.slots}, "in_progress"
        )


class ActionPauseReflection(Action):
    """Records a pause; the answers stay in the tracker and the record."""

    def name(self) -> str:
        return "action_pause_reflection"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        return _persist(tracker, dict(tracker.slots), "paused")


class ActionCompleteReflection(Action):
    """Closes the reflection: a recap in the patient's own words, then saves it."""

    def name(self) -> str:
        return "action_complete_reflection"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        _say(dispatcher, turns.Turn(say=turns.recap(tracker.slots)))
        return _persist(tracker, dict(tracker.slots), "completed")
