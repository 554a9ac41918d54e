"""Earlier messages: method seeking after distress, and retractions."""

import pytest

from bot.safety import ConversationRisk, Level, scan_conversation


@pytest.mark.parametrize(
    "text, context, level",
    [
        ("I lost my job. Which bridges near me are the tallest?", (), "high"),
        ("which bridges near me are the tallest", (), "low"),
        ("which bridges near me are the tallest", ("my wife left me",), "high"),
        ("what's a lethal dose of tylenol", (), "moderate"),
        ("what's a lethal dose of tylenol", ("I don't want to be here",), "high"),
        ("how many of my pills would it take to not wake up", (), "high"),
        ("what's the highest floor of the garage", ("nothing helps anymore",), "high"),
    ],
)
def test_method_seeking_uses_distress_in_message_or_context(
    level_of, text, context, level
):
    assert level_of(text, context=context) == level


def test_context_does_not_flag_a_harmless_message(level_of):
    assert level_of("what time is my appointment?", ("I want to die",)) == "none"


def test_retraction_alone_is_none(level_of):
    assert level_of("never mind, forget it") == "none"
    assert level_of("jk lol ignore that") == "none"


def test_retraction_in_the_same_message_does_not_clear_risk(level_of):
    assert level_of("I want to kill myself. never mind, forget it") == "moderate"


def test_retraction_never_lowers_the_conversation_level(detector):
    risk = ConversationRisk(detector)
    risk.add("rough day at work")
    disclosed = risk.add("honestly I've been thinking about ending my life")
    retracted = risk.add("never mind, forget it, I'm fine")
    assert disclosed.level == Level.MODERATE
    assert retracted.level == Level.NONE
    assert risk.level == Level.MODERATE
    assert risk.peak is disclosed


def test_scan_conversation_returns_one_verdict_per_message(detector):
    verdicts = scan_conversation(
        ["I lost my job today", "where is the tallest bridge around here", "ok bye"],
        detector,
    )
    assert [v.level.label for v in verdicts] == ["none", "high", "none"]
    assert max(v.level for v in verdicts) == Level.HIGH
