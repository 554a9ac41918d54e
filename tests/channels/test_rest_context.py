"""The development REST channel adds server-side crisis context."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.context import DIALOGUE_STATE_KEY, conversation_context
from bot.channels.rest import RestWithContextInput
from bot.components.crisis_detector import RECENT_MESSAGES_KEY


class _Agent:
    def __init__(self, store) -> None:  # noqa: ANN001
        self.tracker_store = store


class _App:
    def __init__(self, agent) -> None:  # noqa: ANN001
        self.ctx = type("Ctx", (), {"agent": agent})()


def _store_with(*texts: str) -> InMemoryTrackerStore:
    store = InMemoryTrackerStore(Domain.empty())
    tracker = DialogueStateTracker.from_events("p1", [UserUttered(t) for t in texts])
    asyncio.run(store.save(tracker))
    return store


def test_recent_texts_come_from_the_tracker_store():
    agent = _Agent(_store_with(*[f"message {i}" for i in range(8)]))
    context = asyncio.run(conversation_context(agent, "p1"))
    assert context[RECENT_MESSAGES_KEY] == [f"message {i}" for i in range(3, 8)]
    assert asyncio.run(conversation_context(_Agent(None), "p1")) == {}
    assert asyncio.run(conversation_context(object(), "p1")) == {}


def test_dialogue_state_names_the_question_being_answered():
    domain = Domain.from_dict({"forms": {"reflection_form": {"required_slots": []}}})
    store = InMemoryTrackerStore(domain)
    events = [
        UserUttered("let's start"),
        ActionExecuted("reflection_form"),
        ActiveLoop("reflection_form"),
        SlotSet("requested_slot", "body_check"),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events("p1", events, slots=domain.slots)
    asyncio.run(store.save(tracker))
    context = asyncio.run(conversation_context(_Agent(store), "p1"))
    assert context[DIALOGUE_STATE_KEY] == {
        "active_loop": "reflection_form",
        "requested_slot": "body_check",
        "last_utterance": "reflection_form",
    }


def test_rest_channel_keeps_its_url_and_attaches_context():
    assert RestWithContextInput.name() == "rest"
    channel = RestWithContextInput()
    channel._app = _App(_Agent(_store_with("I lost my job and can't take it")))
    message = UserMessage("which bridge is tallest", CollectingOutputChannel(), "p1")
    asyncio.run(channel.attach_context(message))
    assert message.metadata[RECENT_MESSAGES_KEY] == ["I lost my job and can't take it"]


def test_a_new_conversation_says_nothing_has_been_asked():
    channel = RestWithContextInput()
    channel._app = _App(_Agent(InMemoryTrackerStore(Domain.empty())))
    message = UserMessage("hello", CollectingOutputChannel(), "new", metadata={"a": 1})
    asyncio.run(channel.attach_context(message))
    assert message.metadata == {
        "a": 1,
        DIALOGUE_STATE_KEY: {
            "active_loop": None,
            "requested_slot": None,
            "last_utterance": None,
        },
    }


def test_only_a_json_object_with_text_fields_is_a_message():
    from bot.channels.rest import _is_message_body

    assert _is_message_body(b'{"sender": "p1", "message": "hi"}')
    assert _is_message_body(b'{"message": "hi", "metadata": {}}')
    for body in (b"", b"[]", b'"hi"', b"\xff", b'{"sender": 5}', b'{"message": []}'):
        assert not _is_message_body(body)
