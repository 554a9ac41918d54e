"""A dialogue policy that lets the crisis path pre-empt any active form.

Rasa's RulePolicy always predicts an active form before any rule, and a form
with a custom validation action calls the action server before it can reject
the turn. If the action server were down, a crisis message sent mid-form would
get no reply. This policy runs ahead of both: when the patient's latest message
carries a crisis routing intent and a form is active, it predicts
``action_deactivate_loop`` (a built-in action). The rules in
``data/rules/crisis.yml`` then deliver the crisis response from the domain, so
the whole path needs neither the action server nor a notifier.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.components import action_calls

# RulePolicy has priority 6; ties would make Rasa warn and pick arbitrarily.
CRISIS_POLICY_PRIORITY = 7


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class CrisisInterruptPolicy(Policy):
    """Deactivates the active form when a crisis intent arrives.

    Config:
        always_interrupt: intents that interrupt every form.
        interrupt_exercise: intents that interrupt every form except the
            ``screener_loops``, where they count as answers to the screener.
        screener_loops: forms that are themselves part of the crisis path.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "priority": CRISIS_POLICY_PRIORITY,
            "always_interrupt": [
                "crisis_imminent",
                "crisis_high",
                "medical_emergency",
                "medical_concern",
            ],
            "interrupt_exercise": ["crisis_moderate", "crisis_low", "crisis_check"],
            "screener_loops": ["cssrs_form"],
        }

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        # Nothing to learn: the behaviour is fixed by configuration.
        return self._resource

    def should_interrupt(self, tracker: DialogueStateTracker) -> bool:
        """True when the latest user turn must pre-empt the active form."""
        loop = tracker.active_loop_name
        if not loop or tracker.latest_action_name != ACTION_LISTEN_NAME:
            return False
        intent = (tracker.latest_message.intent or {}).get("name")
        if intent in self.config["always_interrupt"]:
            return True
        return (
            intent in self.config["interrupt_exercise"]
            and loop not in self.config["screener_loops"]
        )

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if not self.should_interrupt(tracker):
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(ACTION_DEACTIVATE_LOOP_NAME)] = 1.0
        # A "no user" prediction is what lets RulePolicy's loop prediction be
        # outranked; the ensemble then breaks the tie on priority.
        return self._prediction(probabilities, is_no_user_prediction=True)


# The Rasa server loads this policy with the model: from then on its calls to
# the action server are retried when undelivered and answered when they fail.
action_calls.install()
