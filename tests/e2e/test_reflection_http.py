"""A full reflection over the REST channel, checked against the stored record."""

from __future__ import annotations

import pytest

SENDER = "e2e-reflection"

# (what the patient types, a fragment of the question that should follow)
TURNS = [
    ("let's start", "how long ago was your infusion"),
    ("yesterday", "Step 1 of 8"),
    ("about a 4", "anxiety"),
    ("6/10", "body"),
    ("still a little floaty, no nausea", "Step 2 of 8"),
    ("I saw my grandmother's kitchen and felt safe", "Step 3 of 8"),
    ("everyone at work thinks I'm useless", "believe"),
    ("80%", "emotion"),
    ("shame", "How strong"),
    ("seven", "Step 4 of 8"),
]


def _texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def _record(stack) -> dict:  # noqa: ANN001
    records = stack.reflections(SENDER)
    assert records, "no reflection record stored"
    latest = records[-1]
    return {
        "answers": latest["answers"],
        "steps": latest["step_status"],
        "status": latest["status"],
        "hours": latest["hours_since_infusion"],
        "pauses": latest["pause_count"],
        "resumes": latest["resume_count"],
    }


@pytest.fixture(scope="module")
def conversation(stack):  # noqa: ANN001
    return []


def test_disclosure_and_first_steps(stack, conversation):  # noqa: ANN001
    for text, expected in TURNS:
        replies = stack.send(SENDER, text)
        conversation.append((text, replies))
        assert expected.lower() in _texts(replies).lower(), (text, replies)
    opening = _texts(conversation[0][1])
    assert "automated assistant" in opening  # the disclosure, from clinic config


def test_pause_and_resume_in_a_new_session(stack):  # noqa: ANN001
    # The trap question was asked last; its buttons include "Not sure".
    replies = stack.send(SENDER, "pause")
    assert "pause" in _texts(replies).lower()
    record = _record(stack)
    assert record["status"] == "paused" and record["pauses"] == 1
    # A new Rasa session (as after hours away): what was captured carries over.
    stack.send(SENDER, "/session_start")
    replies = stack.send(SENDER, "I'm back")
    assert "step 4 of 8" in _texts(replies).lower()
    buttons = [b["title"] for m in replies for b in m.get("buttons", [])]
    assert "Not sure" in buttons and "Something else" in buttons


def test_finish_the_reflection(stack):  # noqa: ANN001
    steps = [
        (None, "not sure"),
        ("Step 5 of 8", "I missed one deadline"),
        ("doesn't fit", "my manager thanked me last week"),
        ("Step 6 of 8", "I struggle sometimes and I also do good work"),
        ("believe it now", "40%"),
        ("feeling now", "4"),
        ("Step 7 of 8", "go for a short walk tomorrow"),
        ("next therapy session", "perfectionism"),
        ("Step 8 of 8", "6"),
    ]
    previous = None
    for expected_before, answer in steps:
        if expected_before and previous is not None:
            assert expected_before.lower() in _texts(previous).lower(), (
                answer,
                previous,
            )
        previous = stack.send(SENDER, answer)
    closing = _texts(previous)
    assert "in your own words" in closing
    assert "I struggle sometimes and I also do good work" in closing
    record = _record(stack)
    answers = record["answers"]
    assert record["status"] == "completed"
    assert record["hours"] == 24.0
    assert record["resumes"] == 1
    assert answers["mood_before"] == 4 and answers["anxiety_before"] == 6
    assert answers["body_check"] == "still a little floaty, no nausea"
    assert (
        answers["infusion_highlight"] == "I saw my grandmother's kitchen and felt safe"
    )
    assert answers["thought"] == "everyone at work thinks I'm useless"
    assert answers["belief_before"] == 80 and answers["emotion"] == "shame"
    assert answers["emotion_intensity_before"] == 7
    assert answers["traps_chosen"] == ["not_sure"]
    assert isinstance(answers["traps_suggested"], list)
    assert answers["evidence_for"] == "I missed one deadline"
    assert answers["evidence_against"] == "my manager thanked me last week"
    assert answers["reframe"] == "I struggle sometimes and I also do good work"
    assert answers["belief_after"] == 40 and answers["emotion_intensity_after"] == 4
    assert answers["intention"] == "go for a short walk tomorrow"
    assert answers["therapy_note"] == "perfectionism"
    assert answers["mood_after"] == 6
    assert set(record["steps"].values()) == {"done"}


def test_next_reflection_recalls_the_last_intention(stack):  # noqa: ANN001
    replies = stack.send(SENDER, "let's start")
    replies += stack.send(SENDER, "3 hours")
    text = _texts(replies)
    assert "go for a short walk tomorrow" in text and "How did that go?" in text
