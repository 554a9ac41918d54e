"""The Rasa NLU component built the way Rasa builds it (LocalModelStorage)."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.components
from bot.components.crisis_detector import CrisisDetector
from bot.safety import DETECTOR_VERSION, ROUTING_INTENTS


@pytest.fixture
def component(tmp_path) -> CrisisDetector:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("crisis_detector")
    context = ExecutionContext(GraphSchema({}), node_name="crisis_detector")
    return CrisisDetector.create(
        CrisisDetector.get_default_config(), storage, resource, context
    )


def classified(text: str) -> Message:
    """A message as earlier pipeline components leave it."""
    message = Message(data={"text": text})
    message.set("intent", {"name": "greet", "confidence": 0.8}, add_to_output=True)
    message.set(
        "intent_ranking",
        [
            {"name": "greet", "confidence": 0.8},
            {"name": "crisis_high", "confidence": 0.1},
        ],
        add_to_output=True,
    )
    message.set(
        "entities",
        [{"entity": "drug", "value": "ketamine", "start": 0, "end": 3}],
        add_to_output=True,
    )
    return message


def entity(message: Message, name: str) -> dict:
    return next(e for e in message.get("entities") if e["entity"] == name)


def test_registered_as_intent_classifier_and_entity_extractor():
    registered = DefaultV1Recipe._from_registry("CrisisDetector")
    assert registered.clazz is CrisisDetector
    assert registered.types == {
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    }
    assert registered.is_trainable is False
    assert bot.components.CrisisDetector is CrisisDetector


def test_crisis_overrides_intent_and_adds_entities(component):
    text = "I'm going to kill myself tonight"
    [message] = component.process([classified(text)])
    assert message.get("intent") == {"name": "crisis_imminent", "confidence": 1.0}
    ranking = message.get("intent_ranking")
    assert ranking[0] == {"name": "crisis_imminent", "confidence": 1.0}
    assert [r["name"] for r in ranking[1:]] == ["greet", "crisis_high"]
    level = entity(message, "crisis_level")
    assert level["value"] == "imminent" and level["extractor"] == "CrisisDetector"
    assert text[level["start"] : level["end"]] == "I'm going to kill myself"
    assert entity(message, "crisis_category")["value"] == "explicit_si"
    assert entity(message, "language")["value"] == "en"
    assert entity(message, "drug")["value"] == "ketamine"  # earlier entities kept
    crisis = message.get("crisis")
    assert (
        crisis["level"] == "imminent" and crisis["detector_version"] == DETECTOR_VERSION
    )
    output = message.as_dict(only_output_properties=True)
    assert output["crisis"] == crisis and output["intent"]["name"] == "crisis_imminent"


@pytest.mark.parametrize(
    "text, intent, language",
    [
        ("I have crushing chest pain", "medical_emergency", "en"),
        ("still seeing things 3 days after my infusion", "medical_concern", "en"),
        ("I wish I could sleep and never wake up", "crisis_low", "en"),
        ("me quiero matar", "crisis_moderate", "es"),
        ("I've been saving up my pills", "crisis_high", "en"),
    ],
)
def test_routing_intents(component, text, intent, language):
    [message] = component.process([Message(data={"text": text})])
    assert message.get("intent")["name"] == intent
    assert intent in ROUTING_INTENTS
    assert entity(message, "language")["value"] == language


def test_none_leaves_the_message_untouched_but_records_the_verdict(component):
    message = classified("this homework is killing me")
    before = {key: message.get(key) for key in ("intent", "intent_ranking", "entities")}
    component.process([message])
    assert {key: message.get(key) for key in before} == before
    assert message.get("crisis") == {
        "level": "none",
        "category": None,
        "evidence": [],
        "language": "en",
        "detector_version": DETECTOR_VERSION,
    }


def test_messages_without_text_are_skipped(component):
    message = Message(data={"intent": {"name": "greet"}})
    component.process([message])
    assert message.get("crisis") is None


def test_never_raises(component, monkeypatch):
    def broken(text, context=()):
        raise RuntimeError("boom")

    monkeypatch.setattr(component._detector, "scan", broken)
    message = classified("I want to die")
    assert component.process([message]) == [message]
    assert message.get("intent")["name"] == "greet"


def test_training_data_passes_through(component):
    data = TrainingData([Message(data={"text": "hi", "intent": "greet"})])
    assert component.process_training_data(data) is data
