"""Rebuilding what the patient saw from tracker events."""

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)

from bot.channels.history import visible_messages


def shown(events):
    return [
        (message["sender"], message["text"])
        for message in visible_messages(event.as_dict() for event in events)
    ]


def listen():
    return ActionExecuted("action_listen")


def test_a_plain_exchange_is_shown_in_order_with_buttons():
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        listen(),
        UserUttered("hello"),
        ActionExecuted("utter_ask"),
        BotUttered("Step 1 of 8: ready?", data={"buttons": buttons}),
        listen(),
    ]
    messages = visible_messages(event.as_dict() for event in events)
    assert [(m["sender"], m["text"]) for m in messages] == [
        ("user", "hello"),
        ("bot", "Step 1 of 8: ready?"),
    ]
    assert messages[1]["buttons"] == buttons


def test_form_answers_stay_visible_unlike_applied_events():
    events = [
        listen(),
        UserUttered("start"),
        ActionExecuted("reflection_form"),
        ActiveLoop("reflection_form"),
        BotUttered("Step 1 of 8: mood?"),
        listen(),
        UserUttered("6"),
        ActionExecuted("reflection_form"),
        SlotSet("mood_before", "6"),
        BotUttered("Step 1 of 8: anxiety?"),
        listen(),
    ]
    assert ("user", "6") in shown(events)


def test_a_rewind_removes_the_last_patient_message_and_the_replies_to_it():
    events = [
        ActionExecuted("utter_ask"),
        BotUttered("What stood out?"),
        listen(),
        UserUttered("asdfgh"),
        ActionExecuted("action_default_fallback"),
        BotUttered("Sorry, I didn't get that."),
        UserUtteranceReverted(),
    ]
    assert shown(events) == [("bot", "What stood out?")]


def test_go_back_twice_rewinds_two_turns():
    events = [
        BotUttered("Q1"),
        listen(),
        UserUttered("a1"),
        ActionExecuted("utter_q2"),
        BotUttered("Q2"),
        listen(),
        UserUttered("go back"),
        ActionExecuted("action_back"),
        UserUtteranceReverted(),
        UserUtteranceReverted(),
    ]
    assert shown(events) == [("bot", "Q1")]


def test_an_undone_action_loses_its_messages():
    events = [
        listen(),
        UserUttered("hi"),
        ActionExecuted("utter_wrong"),
        BotUttered("wrong"),
        ActionReverted(),
    ]
    assert shown(events) == [("user", "hi")]


def test_earlier_sessions_and_restarts_stay_visible():
    events = [
        UserUttered("first session"),
        BotUttered("reply one"),
        Restarted(),
        SessionStarted(),
        UserUttered("second session"),
    ]
    assert [text for _, text in shown(events)] == [
        "first session",
        "reply one",
        "second session",
    ]


def test_button_payloads_show_their_title_and_silent_payloads_are_hidden():
    events = [
        UserUttered("/start_reflection"),
        BotUttered("Step 1 of 8: mood?"),
        UserUttered('/inform{"mood_before": 5}', metadata={"display_text": "Okay"}),
        UserUttered("3 hours", metadata={"display_text": "A few hours ago"}),
    ]
    assert shown(events) == [
        ("bot", "Step 1 of 8: mood?"),
        ("user", "Okay"),
        ("user", "A few hours ago"),
    ]


def test_bot_texts_are_split_into_paragraphs_as_the_channel_sent_them():
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    events = [
        BotUttered("Disclosure.\n\nConsent.\n"),
        BotUttered("Ready?\n\nTap one.", data={"buttons": buttons}),
        BotUttered(None, data={"custom": {"progress": {"step": 2, "total": 8}}}),
        BotUttered("Step 3 of 8", data={"custom": {"kind": "step"}}),
    ]
    messages = visible_messages(event.as_dict() for event in events)
    assert [(m["text"], bool(m["buttons"]), m["custom"]) for m in messages] == [
        ("Disclosure.", False, None),
        ("Consent.", False, None),
        ("Ready?\n\nTap one.", True, None),
        (None, False, {"progress": {"step": 2, "total": 8}}),
        ("Step 3 of 8", False, None),
        (None, False, {"kind": "step"}),
    ]


def test_only_the_most_recent_messages_are_returned():
    events = [UserUttered(f"m{i}") for i in range(10)]
    texts = [m["text"] for m in visible_messages((e.as_dict() for e in events), 3)]
    assert texts == ["m7", "m8", "m9"]
