"""The answer interpreter component, built the way Rasa builds it."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.components.answer_interpreter import DIALOGUE_STATE_KEY, AnswerInterpreter
from bot.components.crisis_detector import CrisisDetector


@pytest.fixture
def interpreter(tmp_path) -> AnswerInterpreter:
    return AnswerInterpreter.create(
        {},
        LocalModelStorage(tmp_path),
        Resource("answer_interpreter"),
        ExecutionContext(GraphSchema({}), node_name="answer_interpreter"),
    )


def parsed(text: str, diet: str, state: dict | None) -> Message:
    metadata = {DIALOGUE_STATE_KEY: state} if state is not None else {}
    message = Message(data={"text": text, "metadata": metadata})
    message.set("intent", {"name": diet, "confidence": 1.0}, add_to_output=True)
    message.set(
        "intent_ranking",
        [{"name": diet, "confidence": 1.0}, {"name": "inform", "confidence": 0.0}],
        add_to_output=True,
    )
    return message


BODY_CHECK = {
    "active_loop": "reflection_form",
    "requested_slot": "body_check",
    "last_utterance": "utter_ask_body_check",
}


def test_tired_is_the_body_check_answer_not_a_pause(interpreter):
    (message,) = interpreter.process([parsed("tired", "pause", BODY_CHECK)])
    assert message.get("intent")["name"] == "inform"
    assert message.get("intent_ranking")[0]["name"] == "inform"
    assert message.get("answer_interpretation")["diet"] == "pause"


def test_without_a_dialogue_state_nothing_changes(interpreter):
    (message,) = interpreter.process([parsed("tired", "pause", None)])
    assert message.get("intent")["name"] == "pause"


def test_the_crisis_detector_still_has_the_last_word(interpreter):
    message = parsed("I want to kill myself tonight", "inform", BODY_CHECK)
    interpreter.process([message])
    CrisisDetector().process([message])
    assert message.get("intent")["name"] == "crisis_imminent"


def test_garbage_state_is_ignored(interpreter):
    (message,) = interpreter.process([parsed("tired", "pause", ["not", "a", "dict"])])
    assert message.get("intent")["name"] == "pause"


def test_inside_the_reflection_the_detector_does_not_ask_on_a_hunch():
    # Evidence answers carry negative content by design: only findings count.
    text = "my manager thanked me last week"
    context = ["I missed one deadline"]
    outside = Message(data={"text": text, "metadata": {}})
    inside = parsed(
        text, "inform", {**BODY_CHECK, "requested_slot": "evidence_against"}
    )
    for message in (outside, inside):
        message.set("metadata", {**message.get("metadata"), **_recent(context)})
    CrisisDetector().process([outside, inside])
    assert inside.get("crisis")["level"] == "none"
    # A real crisis inside the reflection is still caught.
    crisis = parsed("I took all my pills an hour ago", "inform", BODY_CHECK)
    CrisisDetector().process([crisis])
    assert crisis.get("intent")["name"] == "crisis_imminent"


def _recent(texts):
    from bot.components.crisis_detector import RECENT_MESSAGES_KEY

    return {RECENT_MESSAGES_KEY: texts}


def test_a_confirm_request_carries_what_it_asks_about(interpreter):
    evidence = {**BODY_CHECK, "requested_slot": "evidence_for"}
    text = "can I have another go at the one before"
    (message,) = interpreter.process([parsed(text, "inform", evidence)])
    assert message.get("intent")["name"] == "confirm_request"
    (entity,) = message.get("entities")
    assert (entity["entity"], entity["value"]) == ("request", "back")


def test_going_on_after_a_settled_check_is_not_asked_again():
    # The patient has just said "no" to the direct question; the semantic
    # layer's hunch on "yeah, keep going" must not ask it again (a loop).
    text = "yeah.. keep going, im ok"
    settled = parsed(text, "affirm", {"last_utterance": "utter_offer_continue_or_stop"})
    CrisisDetector().process([settled])
    assert settled.get("crisis")["level"] == "none"
    assert settled.get("intent")["name"] != "crisis_check"
