"""Reading flags out of user events: never raises, never misses a flag."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.escalation.flags import flag_from_event
from bot.escalation.levels import LEVELS, ROUTING_INTENTS

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
levels = st.sampled_from(LEVELS) | json_values
crisis = json_values | st.fixed_dictionaries(
    {},
    optional={
        "level": levels,
        "category": json_values,
        "evidence": json_values,
        "detector_version": json_values,
    },
)
intent = json_values | st.fixed_dictionaries(
    {}, optional={"name": st.sampled_from(sorted(ROUTING_INTENTS)) | json_values}
)
entity = st.fixed_dictionaries(
    {}, optional={"entity": st.just("crisis_category"), "value": json_values}
)
parse_data = json_values | st.fixed_dictionaries(
    {},
    optional={
        "crisis": crisis,
        "intent": intent,
        "entities": st.lists(entity, max_size=2) | json_values,
    },
)
event_like = st.fixed_dictionaries(
    {}, optional={"parse_data": parse_data, "text": json_values}
)


@settings(max_examples=200, deadline=None)
@given(event_like)
def test_any_shape_is_read_without_raising(data):
    flag = flag_from_event(data)
    assert flag is None or flag.level in LEVELS


@given(
    st.sampled_from(sorted(ROUTING_INTENTS)),
    st.sampled_from([None, {}, {"level": "none"}, {"level": None}]),
)
def test_a_routing_intent_is_always_flagged(intent, crisis):
    parse_data = {"intent": {"name": intent}}
    if crisis is not None:
        parse_data["crisis"] = crisis
    flag = flag_from_event({"event": "user", "parse_data": parse_data})
    assert flag is not None and flag.level == ROUTING_INTENTS[intent][0]


@given(st.sampled_from(LEVELS[1:]), st.sampled_from(["inform", "crisis_low", None]))
def test_the_higher_of_verdict_and_intent_wins(level, intent):
    parse_data = {"crisis": {"level": level, "category": "explicit_si"}}
    if intent:
        parse_data["intent"] = {"name": intent}
    flag = flag_from_event({"parse_data": parse_data})
    expected = max(level, "low" if intent == "crisis_low" else level, key=LEVELS.index)
    assert flag.level == expected and flag.category == "explicit_si"


def test_entity_category_is_used_when_the_verdict_is_missing():
    parse_data = {
        "intent": {"name": "crisis_high"},
        "entities": [{"entity": "crisis_category", "value": "plan_means"}],
    }
    flag = flag_from_event({"parse_data": parse_data})
    assert (flag.level, flag.category, flag.detector_version) == (
        "high",
        "plan_means",
        "unknown",
    )
