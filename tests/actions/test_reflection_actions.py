"""The reflection actions, asserting the exact events they return."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.reflection import (
    ActionAskEvidenceFor,
    ActionAskTrapsChosen,
    ActionCompleteReflection,
    ActionGoBackStep,
    ActionHandleDontKnow,
    ActionSkipStep,
    ActionStartReflection,
    ValidateReflectionForm,
)
from bot.reflection import SKIPPED
from bot.reflection.record import latest_completed
from tests.actions.conftest import make_tracker, rendered

DOMAIN: dict = {}


def _texts(dispatcher) -> str:  # noqa: ANN001
    return rendered(dispatcher)


def test_rating_is_parsed(dispatcher):
    result = ValidateReflectionForm().validate_mood_before(
        "about a 7", dispatcher, make_tracker(), DOMAIN
    )
    assert result == {"mood_before": 7.0, "retry_slot": None}
    assert dispatcher.messages == []


def test_unclear_rating_gets_one_gentle_reask_then_moves_on(dispatcher):
    form = ValidateReflectionForm()
    first = form.validate_anxiety_before(
        "kind of meh", dispatcher, make_tracker(), DOMAIN
    )
    assert first == {"anxiety_before": None, "retry_slot": "anxiety_before"}
    assert "number from 0 to 10" in _texts(dispatcher)
    second = form.validate_anxiety_before(
        "still meh", dispatcher, make_tracker({"retry_slot": "anxiety_before"}), DOMAIN
    )
    assert second == {"anxiety_before": SKIPPED, "retry_slot": None}


def test_out_of_range_percentage(dispatcher):
    result = ValidateReflectionForm().validate_belief_before(
        "150", dispatcher, make_tracker(), DOMAIN
    )
    assert result["belief_before"] is None
    assert "outside the scale" in _texts(dispatcher)


def test_time_since_infusion(dispatcher):
    form = ValidateReflectionForm()
    assert form.validate_hours_since_infusion(
        "2 days ago", dispatcher, make_tracker(), DOMAIN
    ) == {
        "hours_since_infusion": 48.0,
        "retry_slot": None,
    }


def test_trap_choice(dispatcher):
    form = ValidateReflectionForm()
    tracker = make_tracker({"traps_suggested": ["mind_reading", "fortune_telling"]})
    assert form.validate_traps_chosen("Mind reading", dispatcher, tracker, DOMAIN)[
        "traps_chosen"
    ] == ["mind_reading"]
    assert form.validate_traps_chosen("not sure", dispatcher, tracker, DOMAIN)[
        "traps_chosen"
    ] == ["not_sure"]
    assert form.validate_traps_chosen("the second one", dispatcher, tracker, DOMAIN)[
        "traps_chosen"
    ] == ["fortune_telling"]


def test_something_else_shows_the_whole_catalog(dispatcher):
    result = ValidateReflectionForm().validate_traps_chosen(
        "something else", dispatcher, make_tracker(), DOMAIN
    )
    assert result == {"traps_chosen": None, "retry_slot": "traps_chosen"}
    tracker = make_tracker({"thought": "I always fail", "retry_slot": "traps_chosen"})
    assert ActionAskTrapsChosen().run(dispatcher, tracker, DOMAIN) == []
    buttons = dispatcher.messages[-1]["buttons"]
    assert len(buttons) == 12 + 2  # every trap, "Something else" and "Not sure"


def test_reframe_checked_once(dispatcher):
    form = ValidateReflectionForm()
    tracker = make_tracker({"thought": "I'm a failure", "traps_chosen": ["labeling"]})
    first = form.validate_reframe("I'm not a failure", dispatcher, tracker, DOMAIN)
    assert first == {"reframe": None, "reframe_checked": True}
    assert "balanced and believable" in _texts(dispatcher)
    tracker = make_tracker({"thought": "I'm a failure", "reframe_checked": True})
    assert form.validate_reframe("I'm not a failure", dispatcher, tracker, DOMAIN) == {
        "reframe": "I'm not a failure"
    }


def test_balanced_reframe_accepted_at_once(dispatcher):
    result = ValidateReflectionForm().validate_reframe(
        "I made a mistake on the report, and I also do a lot of good work",
        dispatcher,
        make_tracker(
            {
                "thought": "I always mess everything up",
                "traps_chosen": ["overgeneralizing"],
            }
        ),
        DOMAIN,
    )
    assert result == {
        "reframe": "I made a mistake on the report, and I also do a lot of good work",
        "reframe_checked": True,
    }


def test_free_text_is_kept_verbatim_but_cleaned(dispatcher):
    result = ValidateReflectionForm().validate_thought(
        "  nobody <b>cares</b>\x00  ", dispatcher, make_tracker(), DOMAIN
    )
    assert result == {"thought": "nobody <b>cares</b>"}


def test_trap_question_suggests_traps_as_buttons(dispatcher):
    tracker = make_tracker(
        {"thought": "everyone at work thinks I'm an idiot and I'll get fired"}
    )
    events = ActionAskTrapsChosen().run(dispatcher, tracker, DOMAIN)
    suggested = events[0]["value"]
    assert events == [SlotSet("traps_suggested", suggested)]
    assert 1 <= len(suggested) <= 3
    assert "Step 4 of 8" in _texts(dispatcher)
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles[-2:] == ["Something else", "Not sure"]


def test_something_else_lists_the_catalog_likeliest_first(dispatcher):
    from bot.traps import TrapDetector, load_catalog

    thought = "everyone at work thinks I'm an idiot and I'll get fired"
    tracker = make_tracker({"thought": thought, "retry_slot": "traps_chosen"})
    assert ActionAskTrapsChosen().run(dispatcher, tracker, DOMAIN) == []
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    catalog = load_catalog()
    likely = {"mind_reading", "labeling", "fortune_telling", "catastrophizing"}
    assert titles[0] in {catalog[name].label for name in likely}
    expected = [catalog[name].label for name in TrapDetector.load().ranked(thought)]
    assert titles == expected + ["Something else", "Not sure"]


def test_evidence_question_uses_the_chosen_trap(dispatcher):
    from bot.traps import load_catalog

    ActionAskEvidenceFor().run(
        dispatcher, make_tracker({"traps_chosen": ["mind_reading"]}), DOMAIN
    )
    assert load_catalog()["mind_reading"].questions[0] in _texts(dispatcher)


def test_skip_marks_the_requested_slot():
    dispatcher_events = ActionSkipStep().run(
        pytest.importorskip("rasa_sdk.executor").CollectingDispatcher(),
        make_tracker({"requested_slot": "body_check"}),
        DOMAIN,
    )
    assert dispatcher_events == [
        SlotSet("body_check", SKIPPED),
        SlotSet("retry_slot", None),
    ]


def test_dont_know_hints_first_then_skips(dispatcher):
    tracker = make_tracker({"requested_slot": "reframe"})
    assert ActionHandleDontKnow().run(dispatcher, tracker, DOMAIN) == [
        SlotSet("retry_slot", "reframe")
    ]
    assert "friend" in _texts(dispatcher)
    tracker = make_tracker({"requested_slot": "reframe", "retry_slot": "reframe"})
    assert ActionHandleDontKnow().run(dispatcher, tracker, DOMAIN) == [
        SlotSet("reframe", SKIPPED),
        SlotSet("retry_slot", None),
    ]


def test_go_back_clears_the_previous_answer(dispatcher, database):
    tracker = make_tracker(
        {
            "hours_since_infusion": 3,
            "mood_before": 4,
            "anxiety_before": 5,
            "requested_slot": "body_check",
        }
    )
    assert ActionGoBackStep().run(dispatcher, tracker, DOMAIN) == [
        SlotSet("anxiety_before", None),
        SlotSet("retry_slot", None),
    ]


def test_start_fresh_discloses_and_creates_a_record(dispatcher, database):
    events = ActionStartReflection().run(
        dispatcher, make_tracker(active_loop=None), DOMAIN
    )
    assert dispatcher.messages[0]["response"] == "utter_disclosure"
    assert SlotSet("thought", None) in events
    assert events[-1]["name"] == "reflection_id" and events[-1]["value"] > 0


def test_resume_says_where_we_are(dispatcher, database):
    tracker = make_tracker(
        {"hours_since_infusion": 3, "mood_before": 4}, active_loop=None
    )
    ActionStartReflection().run(dispatcher, tracker, DOMAIN)
    assert "step 1 of 8" in _texts(dispatcher)


def test_complete_recaps_in_the_patients_words_and_saves(dispatcher, database):
    slots = {
        "hours_since_infusion": 24,
        "mood_before": 4,
        "thought": "I ruin everything",
        "reframe": "Some things go wrong and some go well",
        "intention": "call my sister",
        "mood_after": 6,
    }
    ActionCompleteReflection().run(
        dispatcher, make_tracker(slots, active_loop=None), DOMAIN
    )
    text = _texts(dispatcher)
    assert "“I ruin everything”" in text and "“call my sister”" in text
    assert "Mood: 4 → 6 out of 10" in text
    assert (
        latest_completed(database, "test-conversation")["intention"] == "call my sister"
    )


def test_not_sure_at_the_trap_step_is_an_answer(dispatcher):
    tracker = make_tracker({"requested_slot": "traps_chosen"})
    assert ActionHandleDontKnow().run(dispatcher, tracker, DOMAIN) == [
        SlotSet("traps_chosen", ["not_sure"]),
        SlotSet("retry_slot", None),
    ]


def _form_tracker(events: list[dict]):  # noqa: ANN202
    from rasa_sdk import Tracker

    return Tracker.from_dict(
        {
            "sender_id": "test-conversation",
            "slots": {"requested_slot": "mood_before"},
            "latest_message": {"text": "x", "intent": {"name": "inform"}},
            "events": [{"event": "user", "text": "x"}, *events],
            "active_loop": {"name": "reflection_form"},
            "latest_action_name": "action_listen",
        }
    )


FORM_DOMAIN = {
    "forms": {"reflection_form": {"required_slots": ["mood_before"]}},
    "slots": {"mood_before": {}},
}


def test_form_run_rejects_when_nothing_was_answered(dispatcher, database):
    import asyncio

    events = asyncio.run(
        ValidateReflectionForm().run(dispatcher, _form_tracker([]), FORM_DOMAIN)
    )
    # No SlotSet but requested_slot (which Rasa ignores here), so the form
    # rejects the turn and rules like "pause" apply.
    slots = [e["name"] for e in events if e.get("event") == "slot"]
    assert set(slots) <= {"requested_slot"}


def test_form_run_saves_the_record_when_an_answer_arrives(dispatcher, database):
    import asyncio

    tracker = _form_tracker([{"event": "slot", "name": "mood_before", "value": "7"}])
    events = asyncio.run(ValidateReflectionForm().run(dispatcher, tracker, FORM_DOMAIN))
    slot_events = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slot_events["mood_before"] == 7.0
    assert slot_events["reflection_id"] > 0


def test_safety_plan_shown_when_stored(dispatcher, database):
    from actions.crisis import ActionShowSafetyPlan
    from bot.store import Clinician, Patient

    with database.session() as session:
        therapist = Clinician(email="t@x", name="T", password_hash="h")
        session.add(
            Patient(
                display_name="P",
                therapist=therapist,
                conversation_id="test-conversation",
                safety_plan={"coping": "breathe, walk the dog"},
            )
        )
    assert ActionShowSafetyPlan().run(dispatcher, make_tracker(), DOMAIN) == []
    assert "walk the dog" in _texts(dispatcher)


def test_no_safety_plan_no_message(dispatcher, database):
    from actions.crisis import ActionShowSafetyPlan

    ActionShowSafetyPlan().run(dispatcher, make_tracker(sender_id="unknown"), DOMAIN)
    assert dispatcher.messages == []
