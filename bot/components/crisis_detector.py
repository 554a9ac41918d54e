"""Rasa NLU component: run the crisis detector on every user message.

Listed last in ``config.yml``'s pipeline. When the verdict is not ``none`` it
overwrites the intent with the routing intent (confidence 1.0, first in the
ranking) and adds the entities ``crisis_level``, ``crisis_category`` and
``language``, located at the first evidence span. The verdict is stored under
``crisis`` in the parse data for every message, ``none`` included, so the event
log shows which detector version looked at each message.

The component never raises: a failure leaves the message as the earlier
components made it and is logged without the message text.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.answer_interpreter import DIALOGUE_STATE_KEY
from bot.components.length_guard import full_text
from bot.reflection.steps import REFLECTION_FORM
from bot.reflection.understanding import DialogueState
from bot.safety import CrisisDetector as Detector
from bot.safety import Verdict, routing_intent

# Message metadata key under which a channel passes earlier user messages.
RECENT_MESSAGES_KEY = "afterglow_recent_user_messages"
MAX_CONTEXT_MESSAGES = 5
MAX_CONTEXT_CHARS = 4000

logger = logging.getLogger(__name__)

CRISIS_KEY = "crisis"
EXTRACTOR_NAME = "CrisisDetector"


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=False,
)
class CrisisDetector(GraphComponent):
    """Overrides intent and entities when a message carries crisis risk."""

    def __init__(self, detector: Detector | None = None) -> None:
        self._detector = detector or Detector.load()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisDetector:
        return cls()

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy"]

    def process(self, messages: list[Message]) -> list[Message]:
        """Scan each message that has text; never raises."""
        for message in messages:
            try:
                self._process_one(message)
            except Exception as exc:  # noqa: BLE001 - NLU must keep working
                logger.error(
                    "crisis component failed on a message (%s)", type(exc).__name__
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are labelled already; nothing to add."""
        return training_data

    def _process_one(self, message: Message) -> None:
        text = full_text(message)
        if not isinstance(text, str):
            return
        verdict = self._detector.scan(
            text, recent_messages(message), asking=may_ask(message)
        )
        message.set(CRISIS_KEY, verdict.to_dict(), add_to_output=True)
        intent = routing_intent(verdict)
        if intent is None:
            return
        top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if isinstance(entry, dict) and entry.get(INTENT_NAME_KEY) != intent
        ]
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(top), *ranking], add_to_output=True)
        entities = list(message.get(ENTITIES) or [])
        entities.extend(_entities(verdict))
        message.set(ENTITIES, entities, add_to_output=True)


def recent_messages(message: Message) -> list[str]:
    """The patient's previous messages, as the patient channel attached them.

    The channel reads them from the tracker on the server; context can only
    raise a verdict (method-seeking after distress), never lower it.
    """
    metadata = message.get("metadata") or {}
    recent = metadata.get(RECENT_MESSAGES_KEY) if isinstance(metadata, dict) else None
    if not isinstance(recent, list):
        return []
    return [item[:MAX_CONTEXT_CHARS] for item in recent if isinstance(item, str)][
        -MAX_CONTEXT_MESSAGES:
    ]


# Asked right after the patient answered the direct question with "no": asking
# it again on their "yes, let's go on" would loop.
_JUST_SETTLED = frozenset({"utter_offer_continue_or_stop"})


def may_ask(message: Message) -> bool:
    """Whether the semantic layer's one direct question may be asked.

    Not inside a reflection step (answers carry negative content by design;
    only findings count), and not in reply to the question that follows a
    check the patient has just settled.
    """
    metadata = message.get("metadata") or {}
    state = DialogueState.from_dict(
        metadata.get(DIALOGUE_STATE_KEY) if isinstance(metadata, dict) else None
    )
    return state.active_loop != REFLECTION_FORM and (
        state.last_utterance not in _JUST_SETTLED
    )


def _entities(verdict: Verdict) -> list[dict[str, Any]]:
    first = verdict.evidence[0] if verdict.evidence else None
    start, end = (first.start, first.end) if first else (0, 0)
    values = {
        "crisis_level": verdict.level.label,
        "crisis_category": verdict.category,
        "language": verdict.language,
    }
    return [
        {
            ENTITY_ATTRIBUTE_TYPE: name,
            ENTITY_ATTRIBUTE_VALUE: value,
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
            EXTRACTOR: EXTRACTOR_NAME,
        }
        for name, value in values.items()
    ]
