"""Keeps the NLU models' input bounded, and the full message for the crisis check.

DIET fails on very long inputs (about 100 KB), and when one component fails
the whole turn fails: the patient would get no reply at all, not even the
crisis response. This component runs first. It hands the statistical
components at most ``max_chars`` characters and keeps the whole message under
``FULL_TEXT_KEY``, where ``CrisisDetector`` (last) reads it, so a risk buried
deep in a long message is still found.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FULL_TEXT_KEY = "afterglow_full_text"


def full_text(message: Message) -> Any:
    """The message as the patient wrote it, even after the guard shortened it."""
    return message.get(FULL_TEXT_KEY) or message.get(TEXT)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class MessageLengthGuard(GraphComponent):
    """Shortens overlong message text for the components after it."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Far longer than any real answer; short enough for DIET to stay fast.
        return {"max_chars": 2000}

    def __init__(self, config: dict[str, Any]) -> None:
        self._max_chars = int(config["max_chars"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageLengthGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self._max_chars:
                message.set(FULL_TEXT_KEY, text)
                message.set(TEXT, text[: self._max_chars])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
