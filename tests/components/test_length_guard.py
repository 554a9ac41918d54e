"""The length guard bounds DIET's input; the crisis detector reads it all."""

from __future__ import annotations

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.crisis_detector import CrisisDetector
from bot.components.length_guard import FULL_TEXT_KEY, MessageLengthGuard, full_text


def _create(component, tmp_path, **config):  # noqa: ANN001
    return component.create(
        {**component.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource(component.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_short_messages_are_untouched(tmp_path):
    guard = _create(MessageLengthGuard, tmp_path)
    [message] = guard.process([Message(data={TEXT: "about a 7"})])
    assert message.get(TEXT) == "about a 7"
    assert message.get(FULL_TEXT_KEY) is None
    assert full_text(message) == "about a 7"


def test_long_message_shortened_for_models_but_kept_whole(tmp_path):
    guard = _create(MessageLengthGuard, tmp_path, max_chars=100)
    text = "x" * 500
    [message] = guard.process([Message(data={TEXT: text})])
    assert len(message.get(TEXT)) == 100
    assert full_text(message) == text


def test_risk_after_the_cut_is_still_flagged(tmp_path):
    guard = _create(MessageLengthGuard, tmp_path, max_chars=200)
    detector = _create(CrisisDetector, tmp_path)
    filler = "Today was an ordinary day with chores and emails. " * 40
    message = Message(data={TEXT: filler + "I have decided to kill myself tonight."})
    [message] = detector.process(guard.process([message]))
    assert message.get(INTENT)["name"] == "crisis_imminent"


def test_recent_messages_from_the_channel_give_context(tmp_path):
    from bot.components.crisis_detector import RECENT_MESSAGES_KEY

    detector = _create(CrisisDetector, tmp_path)
    question = "which bridges near me are the tallest?"
    alone = Message(data={TEXT: question})
    after_distress = Message(
        data={
            TEXT: question,
            "metadata": {
                RECENT_MESSAGES_KEY: ["I lost my job and I can't take this anymore"]
            },
        }
    )
    detector.process([alone, after_distress])
    alone_level = (alone.get("crisis") or {}).get("level", "none")
    assert after_distress.get("crisis")["level"] in ("high", "imminent")
    assert alone_level in ("none", "low")
