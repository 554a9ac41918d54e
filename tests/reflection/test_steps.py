from bot.reflection import (
    SKIPPED,
    STEPS,
    previous_answered_slot,
    reflection_slots,
    required_slots,
    step_of,
    step_status,
)


def test_eight_numbered_steps_in_order():
    assert [step.number for step in STEPS] == list(range(1, 9))
    assert step_of("reframe").name == "reframe"
    assert step_of("hours_since_infusion") is None


def test_follow_up_only_with_an_earlier_reflection():
    assert "previous_followup" not in required_slots(has_previous_reflection=False)
    assert required_slots(has_previous_reflection=True)[1] == "previous_followup"
    assert required_slots(True) == list(reflection_slots())


def test_go_back_finds_the_previous_answer():
    slots = required_slots(False)
    values = {"hours_since_infusion": 24, "mood_before": 4, "anxiety_before": None}
    assert previous_answered_slot(slots, values, "anxiety_before") == "mood_before"
    assert previous_answered_slot(slots, values, "hours_since_infusion") is None
    assert (
        previous_answered_slot(slots, {**values, "mood_after": 6}, None) == "mood_after"
    )


def test_step_status():
    values = {
        "mood_before": 4,
        "anxiety_before": 5,
        "body_check": "ok",
        "infusion_highlight": SKIPPED,
        "thought": "x",
    }
    status = step_status(values)
    assert status["checkin"] == "done"
    assert status["infusion"] == "skipped"
    assert status["loop"] == "partial"
    assert status["close"] == "open"
    # The optional note for therapy does not keep a step from being done.
    assert step_status({"intention": "walk"})["intention"] == "done"
