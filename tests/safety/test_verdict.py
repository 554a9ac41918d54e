"""Levels, verdict JSON and the routing table from docs/ARCHITECTURE.md."""

import pytest

from bot.safety import ROUTING_INTENTS, Evidence, Level, Verdict, routing_intent


def test_levels_are_ordered_and_labelled():
    assert Level.NONE < Level.LOW < Level.MODERATE < Level.HIGH < Level.IMMINENT
    assert [str(level) for level in Level] == [
        "none",
        "low",
        "moderate",
        "high",
        "imminent",
    ]
    assert Level.HIGH.label == "high"
    assert Level.parse("Imminent") is Level.IMMINENT
    assert Level.parse(2) is Level.MODERATE
    with pytest.raises(ValueError):
        Level.parse("severe")
    with pytest.raises(ValueError):
        Level.parse(True)


def verdict(level, category):
    return Verdict(
        Level.parse(level), category, (Evidence("r.x", "t", 0, 1),), "en", "v"
    )


@pytest.mark.parametrize(
    "level, category, intent",
    [
        ("imminent", "explicit_si", "crisis_imminent"),
        ("imminent", "goodbye", "crisis_imminent"),
        ("imminent", "medical_emergency", "medical_emergency"),
        ("high", "plan_means", "crisis_high"),
        ("high", "harm_others", "crisis_high"),
        ("moderate", "explicit_si", "crisis_moderate"),
        ("moderate", "persistent_dissociation", "medical_concern"),
        ("low", "unclear", "crisis_check"),
        ("low", "passive_si", "crisis_low"),
        ("none", None, None),
    ],
)
def test_routing_table(level, category, intent):
    assert routing_intent(verdict(level, category)) == intent


def test_routing_intents_lists_all_seven():
    assert set(ROUTING_INTENTS) == {
        "crisis_imminent",
        "crisis_high",
        "crisis_moderate",
        "crisis_low",
        "medical_emergency",
        "medical_concern",
        "crisis_check",
    }
    assert len(ROUTING_INTENTS) == 7
