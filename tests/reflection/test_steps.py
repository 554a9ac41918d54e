from pathlib import Path

import yaml

from bot.reflection import (
    SKIPPED,
    STEPS,
    previous_answered_slot,
    reflection_slots,
    required_slots,
    step_of,
    step_status,
)

ROOT = Path(__file__).resolve().parents[2]


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


def test_an_empty_answer_does_not_count_as_answered():
    # The record and the summary once disagreed on this; now one rule serves both.
    assert step_status({"traps_chosen": []})["trap"] == "open"
    assert step_status({"intention": "walk"})["intention"] == "done"  # note optional


def test_every_question_opens_with_its_steps_header():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    asked = {f"utter_ask_{slot}" for step in STEPS for slot in step.slots}
    for name, variants in domain["responses"].items():
        for variant in variants:
            first_line = variant.get("text", "").split("\n")[0]
            if name in asked or first_line.startswith("Step "):
                number = int(first_line.split()[1])
                assert first_line == STEPS[number - 1].header, name
