"""Rasa NLU component: read each message against the question it answers.

Runs after DIET and the fallback classifier and before the crisis detector
(which still has the last word). The channel attaches the dialogue state it
read from the tracker store (``DIALOGUE_STATE_KEY``); the decision itself is
:func:`bot.reflection.understanding.interpret`. When it has an opinion, the
intent is replaced (confidence 1.0, first in the ranking), so an answer that
fits the step fills the slot whatever DIET guessed, and DIET alone never
pauses, skips or ends a form. A ``confirm_request`` carries what it asks about
as the entity ``request`` (filling slot ``pending_request``, which picks the
wording of ``utter_confirm_request``).

Without a dialogue state (story tests, ``rasa shell`` through another channel)
it changes nothing. It never raises.
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
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.length_guard import full_text
from bot.reflection.understanding import DialogueState, interpret

DIALOGUE_STATE_KEY = "afterglow_dialogue_state"
INTERPRETATION_KEY = "answer_interpretation"
REQUEST_ENTITY = "request"

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class AnswerInterpreter(GraphComponent):
    """Replaces DIET's intent where the dialogue state settles the meaning."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AnswerInterpreter:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            try:
                self._process_one(message)
            except Exception as exc:  # noqa: BLE001 - NLU must keep working
                logger.error("answer interpreter failed (%s)", type(exc).__name__)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _process_one(self, message: Message) -> None:
        metadata = message.get("metadata") or {}
        if not isinstance(metadata, dict) or DIALOGUE_STATE_KEY not in metadata:
            return
        text = full_text(message)
        if not isinstance(text, str):
            text = message.get(TEXT)
        state = DialogueState.from_dict(metadata.get(DIALOGUE_STATE_KEY))
        diet = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        reading = interpret(text, state, diet)
        message.set(
            INTERPRETATION_KEY,
            {"intent": reading.intent, "reason": reading.reason, "diet": diet},
            add_to_output=True,
        )
        if reading.intent is None or reading.intent == diet:
            return
        top = {INTENT_NAME_KEY: reading.intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if isinstance(entry, dict) and entry.get(INTENT_NAME_KEY) != reading.intent
        ]
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(top), *ranking], add_to_output=True)
        if reading.request is not None:
            entity = {
                ENTITY_ATTRIBUTE_TYPE: REQUEST_ENTITY,
                ENTITY_ATTRIBUTE_VALUE: reading.request,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text or ""),
                EXTRACTOR: type(self).__name__,
            }
            entities = [
                e
                for e in message.get(ENTITIES) or []
                if e.get(ENTITY_ATTRIBUTE_TYPE) != REQUEST_ENTITY
            ]
            message.set(ENTITIES, [*entities, entity], add_to_output=True)
