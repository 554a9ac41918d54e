"""C-SSRS screener answers settle the level (see bot/safety/cssrs.py)."""

import pytest

from bot.safety import Level
from bot.safety.cssrs import screener_level, settle


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({}, None),
        ({"wish_dead": False, "suicidal_thoughts": False}, None),
        ({"wish_dead": True, "suicidal_thoughts": False}, Level.LOW),
        ({"wish_dead": True, "suicidal_thoughts": True}, Level.MODERATE),
        ({"suicidal_thoughts": True, "method": True}, Level.MODERATE),
        ({"suicidal_thoughts": True, "intent": True}, Level.HIGH),
        ({"suicidal_thoughts": True, "plan": True}, Level.HIGH),
        ({"suicidal_thoughts": True, "intent": True, "plan": True}, Level.HIGH),
        ({"behavior_past_3_months": True}, Level.HIGH),
        ({"wish_dead": False, "behavior_past_3_months": True}, Level.HIGH),
        ({"suicidal_thoughts": None, "intent": True}, Level.HIGH),
        (
            {key: False for key in ("wish_dead", "suicidal_thoughts", "method")},
            None,
        ),
    ],
)
def test_screener_level(answers, expected):
    assert screener_level(answers) == expected


def test_skip_rule_ignores_method_intent_plan_without_thoughts():
    answers = {"suicidal_thoughts": False, "method": True, "intent": True, "plan": True}
    assert screener_level(answers) is None
    assert screener_level({**answers, "wish_dead": True}) == Level.LOW


def test_never_imminent():
    answers = dict.fromkeys(
        ("wish_dead", "suicidal_thoughts", "method", "intent", "plan"), True
    )
    assert screener_level({**answers, "behavior_past_3_months": True}) == Level.HIGH


@pytest.mark.parametrize(
    "initial, answers, expected",
    [
        (Level.LOW, {"suicidal_thoughts": True, "plan": True}, Level.HIGH),
        (
            Level.MODERATE,
            {"wish_dead": False, "suicidal_thoughts": False},
            Level.MODERATE,
        ),
        (Level.IMMINENT, {"suicidal_thoughts": True}, Level.IMMINENT),
        (Level.NONE, {"wish_dead": True}, Level.LOW),
    ],
)
def test_settle_raises_but_never_lowers(initial, answers, expected):
    assert settle(initial, answers) == expected


@pytest.mark.parametrize(
    "answers",
    [{"wishdead": True}, {"wish_dead": "yes"}, {"plan": 1}],
)
def test_invalid_answers(answers):
    with pytest.raises(ValueError):
        screener_level(answers)
