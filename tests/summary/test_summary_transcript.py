"""build_transcript: order, rewinds, crisis marks, input kinds."""

from __future__ import annotations

from bot.store.events import StreamEvent
from bot.summary import build_transcript

from .rasa_events import Conversation, crisis_verdict


def test_turns_in_order_with_roles_and_times():
    conversation = Conversation().user("hello", intent="greet").bot("Hi there")
    conversation.listen()
    turns = build_transcript(conversation.events)
    assert [(t.role, t.text) for t in turns] == [
        ("patient", "hello"),
        ("bot", "Hi there"),
    ]
    assert turns[0].timestamp < turns[1].timestamp
    assert turns[0].timestamp.tzinfo is not None
    assert not any(t.flagged for t in turns)


def test_rewind_removes_the_last_user_message_and_what_followed():
    conversation = Conversation().listen().user("first").bot("reply one").listen()
    conversation.user("oops, wrong thing").action("action_retract").rewind()
    conversation.user("second").bot("reply two")
    texts = [t.text for t in build_transcript(conversation.events)]
    assert texts == ["first", "reply one", "second", "reply two"]


def test_undo_reverts_only_the_last_action():
    conversation = Conversation().listen().user("hi").bot("kept")
    conversation.action("utter_x")
    conversation.events.append({"event": "undo", "timestamp": conversation.tick()})
    assert [t.text for t in build_transcript(conversation.events)] == ["hi", "kept"]


def test_rewind_does_not_cross_a_session_start():
    conversation = Conversation().listen().user("before the new session")
    conversation.session_start({}).rewind()
    texts = [t.text for t in build_transcript(conversation.events)]
    assert texts == ["before the new session"]


def test_crisis_messages_are_flagged_from_the_verdict():
    text = "I took all my pills"
    conversation = Conversation().listen()
    conversation.user(
        text, intent="crisis_high", crisis=crisis_verdict("high", "plan_means", text)
    )
    conversation.bot("I'm really glad you told me. Please call 988 now.")
    patient, bot = build_transcript(conversation.events)
    assert (patient.flagged, patient.level, patient.category) == (
        True,
        "high",
        "plan_means",
    )
    assert not bot.flagged


def test_routing_intent_flags_even_without_a_verdict():
    conversation = Conversation().listen()
    conversation.user(
        "my chest hurts badly",
        intent="medical_emergency",
        entities=[{"entity": "crisis_level", "value": "imminent"}],
    )
    conversation.events[-2]["parse_data"].pop("crisis")
    (turn,) = build_transcript(conversation.events)
    assert turn.flagged and turn.level == "imminent"
    assert turn.category == "medical_emergency"


def test_accepts_broker_rows_and_skips_empty_bot_messages():
    conversation = Conversation().listen().user("hi")
    conversation.bot("")
    rows = [
        StreamEvent(position, "conv-1", data)
        for position, data in enumerate(conversation.events, start=1)
    ]
    assert [t.text for t in build_transcript(rows)] == ["hi"]


def test_turn_is_json_serialisable():
    conversation = Conversation().listen().user("<b>hi</b>")
    (turn,) = build_transcript(conversation.events)
    assert '"role": "patient"' in turn.json()


def test_rewinds_match_rasas_own_applied_events():
    from rasa.shared.core.trackers import DialogueStateTracker

    conversation = Conversation().listen().user("one").bot("reply one").listen()
    conversation.user("two").action("action_x").rewind()
    conversation.user("three").bot("reply three").action("utter_y")
    conversation.events.append({"event": "undo", "timestamp": conversation.tick()})
    conversation.listen().user("four").bot("reply four").listen()
    conversation.user("/back", intent="back").action("action_back").rewind().rewind()
    tracker = DialogueStateTracker.from_dict("conv-1", conversation.events, [])
    expected = [
        event.text
        for event in tracker.applied_events()
        if event.as_dict()["event"] in ("user", "bot")
    ]
    assert [turn.text for turn in build_transcript(conversation.events)] == expected
    assert expected == ["one", "reply one", "three", "reply three"]
