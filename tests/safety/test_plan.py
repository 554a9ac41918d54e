import pytest

from bot.safety.plan import SafetyPlanError, render_safety_plan, validate_safety_plan


def test_plan_is_validated_and_rendered_in_step_order():
    plan = validate_safety_plan(
        {
            "people": "my sister Ana, 555 0101",
            "warning_signs": ["not sleeping", "pacing"],
        }
    )
    assert plan == {
        "warning_signs": "not sleeping; pacing",
        "people": "my sister Ana, 555 0101",
    }
    message = render_safety_plan(plan)
    assert message.splitlines()[1].startswith("1. Signs that a crisis may be coming")
    assert "2. People I can ask for help: my sister Ana" in message


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (["a list"], "maps step names"),
        ({"hobbies": "x"}, "unknown steps"),
        ({"coping": 3}, "must be text"),
        ({"coping": "  "}, "no steps"),
    ],
)
def test_malformed_plans_are_named(raw, error):
    with pytest.raises(SafetyPlanError, match=error):
        validate_safety_plan(raw)


def test_nothing_to_show():
    assert render_safety_plan(None) is None
    assert render_safety_plan({}) is None
