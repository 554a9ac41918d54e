"""CrisisInterruptPolicy outranks the active form on a crisis intent."""

from __future__ import annotations

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.components.crisis_policy import CrisisInterruptPolicy

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [inform, crisis_high, crisis_low, crisis_moderate, affirm]
forms:
  reflection_form: {required_slots: []}
  cssrs_form: {required_slots: []}
"""
)


@pytest.fixture
def policy(tmp_path) -> CrisisInterruptPolicy:
    return CrisisInterruptPolicy.create(
        CrisisInterruptPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("crisis_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def _tracker(loop: str | None, intent: str) -> DialogueStateTracker:
    events = [ActionExecuted(ACTION_LISTEN_NAME)]
    if loop:
        events += [
            ActionExecuted(loop),
            ActiveLoop(loop),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    events.append(UserUttered("text", {"name": intent, "confidence": 1.0}))
    return DialogueStateTracker.from_events("s", events, domain=DOMAIN)


def _predicted(policy, tracker) -> str | None:  # noqa: ANN001
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    if max(prediction.probabilities) == 0:
        return None
    return DOMAIN.action_names_or_texts[prediction.probabilities.index(1.0)]


@pytest.mark.parametrize("intent", ["crisis_high", "crisis_low", "crisis_moderate"])
def test_crisis_interrupts_the_reflection(policy, intent):
    assert (
        _predicted(policy, _tracker("reflection_form", intent))
        == ACTION_DEACTIVATE_LOOP_NAME
    )


def test_screener_keeps_lower_levels_as_answers_but_not_high(policy):
    assert _predicted(policy, _tracker("cssrs_form", "crisis_moderate")) is None
    assert (
        _predicted(policy, _tracker("cssrs_form", "crisis_high"))
        == ACTION_DEACTIVATE_LOOP_NAME
    )


def test_silent_without_a_form_or_a_crisis(policy):
    assert _predicted(policy, _tracker(None, "crisis_high")) is None
    assert _predicted(policy, _tracker("reflection_form", "inform")) is None


def test_outranks_rule_policy_loop_prediction(policy, tmp_path):
    tracker = _tracker("reflection_form", "crisis_high")
    ours = policy.predict_action_probabilities(tracker, DOMAIN)
    rule_policy = RulePolicy.create(
        RulePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    rule_policy.train([], DOMAIN)
    theirs = rule_policy.predict_action_probabilities(tracker, DOMAIN)
    assert theirs.is_no_user_prediction  # RulePolicy would force the form...
    best = DefaultPolicyPredictionEnsemble().combine_predictions(
        [theirs, ours], tracker, DOMAIN
    )
    assert best.policy_name == "CrisisInterruptPolicy"  # ...but the crisis path wins.
