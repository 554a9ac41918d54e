"""Simulated patients complete the reflection over REST, in their own words.

Each answers whatever is asked from a persona sheet written by a separate
session (``personas/``); nothing here knows the order of the questions.
"""

from __future__ import annotations

import json

import pytest

from bot.reflection.steps import RATING_SCALES, TEXT_SLOTS
from tests.e2e.scripted_patient import ScriptedPatient

# Known failures, kept visible: each is a defect of the bot, not of the sheet.
_INTENTION_READ_AS_IMMINENT = pytest.mark.xfail(
    reason="crisis detector false positive: the intention 'text jess tmrw and say "
    "thank u for driving me.. like actually say it instead of just apologizing for "
    "being a pain' is read as imminent (goodbye) (issue 9); before it, the reframe "
    "'sometimes i need more from ppl and thats.. ok?...' gets the low-risk check, "
    "and after the check the trap catalog is asked again (issue 10)",
    strict=True,  # the detector is deterministic
)
VOICES = (
    pytest.param("tired_floaty", marks=_INTENTION_READ_AS_IMMINENT),
    "older_adult",
    pytest.param(
        "texter",
        marks=pytest.mark.xfail(
            reason="crisis detector false positive at high on 'i got a 52 on my "
            "orgo midterm and my roommate is mad at me...' (issue 9)",
            strict=True,
        ),
    ),
)


def _strings(value) -> set[str]:  # noqa: ANN001
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


def _check_words_kept(patient: ScriptedPatient, answers: dict) -> None:
    for slot in set(patient.asked):
        sheet = patient.persona[slot]
        if slot in TEXT_SLOTS:
            assert answers.get(slot) == sheet["text"], (slot, patient.dump())
        elif slot in RATING_SCALES:
            assert answers.get(slot) == sheet["value"], (slot, patient.dump())


@pytest.mark.parametrize("voice", VOICES)
def test_a_scripted_patient_completes_the_reflection(stack, voice):  # noqa: ANN001
    patient = ScriptedPatient.from_sheet(stack, voice)
    patient.reflect()
    record = stack.reflections(patient.sender)[-1]
    assert record["status"] == "completed", patient.dump()
    answers = record["answers"]
    asked_in_form = set(patient.asked) - {"safe_now", "continue", "crisis_question"}
    assert asked_in_form >= set(RATING_SCALES) | {"thought", "reframe", "intention"}
    _check_words_kept(patient, answers)
    assert (
        answers["hours_since_infusion"]
        == patient.persona["hours_since_infusion"]["value"]
    ), patient.dump()

    summary = stack.cli("summary", patient.sender, "--format", "json")
    assert summary.returncode == 0, summary.stderr
    shown = _strings(json.loads(summary.stdout))
    for slot in set(patient.asked) & set(TEXT_SLOTS):
        assert patient.persona[slot]["text"] in shown, slot


@_INTENTION_READ_AS_IMMINENT  # the first reflection does not complete
def test_the_next_reflection_follows_up_on_the_last(stack):  # noqa: ANN001
    patient = ScriptedPatient.from_sheet(stack, "tired_floaty")
    if not stack.reflections(patient.sender):
        patient.reflect()
    intention = stack.reflections(patient.sender)[-1]["answers"]["intention"]
    again = ScriptedPatient(stack, patient.sender, patient.persona)
    again.reflect()
    assert "previous_followup" in again.asked
    asked_back = next(
        text for who, text in again.transcript if who == "bot" and intention in text
    )
    assert "How did that go?" in asked_back
    records = stack.reflections(patient.sender)
    assert [r["status"] for r in records] == ["completed", "completed"]
    _check_words_kept(again, records[-1]["answers"])
