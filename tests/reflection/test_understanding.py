"""Answers are read against the question asked, whatever DIET guessed."""

import pytest

from bot.reflection.steps import REFLECTION_FORM
from bot.reflection.understanding import (
    SCREENER_LOOP,
    Control,
    DialogueState,
    YesNo,
    interpret,
    is_safe_answer,
    match_control,
    read_yes_no,
)

DIET_GUESSES = ("pause", "chitchat", "faq", "dont_know", "skip", "inform", None)


def at(slot: str) -> DialogueState:
    return DialogueState(REFLECTION_FORM, slot, f"utter_ask_{slot}")


@pytest.mark.parametrize("diet", DIET_GUESSES)
@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("body_check", "tired"),
        ("body_check", "a bit tired, no nausea"),
        ("body_check", "exhausted honestly"),
        ("emotion", "shame"),
        ("infusion_highlight", "idk, it was like floating"),
        ("reframe", "I did what I could with what anyone knew at the time"),
        ("evidence_for", "my group chat went quiet when i sent that pic"),
        ("thought", "why do I always ruin everything"),
        ("mood_before", "seven"),
        ("belief_before", "about 80%"),
        ("hours_since_infusion", "yesterday"),
        ("traps_chosen", "not sure"),
    ],
)
def test_an_answer_that_fits_the_step_is_the_answer(slot, text, diet):
    assert interpret(text, at(slot), diet).intent == "inform"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("pause", "pause"),
        ("can we pause... i need to lie down for a bit", "pause"),
        ("stop please. sorry. cant do this right now", "pause"),
        ("skip this one pls", "skip"),
        ("wait go back, i typed the wrong number", "go_back"),
        ("idk", "dont_know"),
        ("no idea, really", "dont_know"),
        ("help", "get_help"),
    ],
)
@pytest.mark.parametrize("diet", ["inform", "chitchat"])
def test_explicit_control_phrases_are_acted_on(text, intent, diet):
    assert interpret(text, at("evidence_for"), diet).intent == intent


@pytest.mark.parametrize("text", ["later", "brb in a bit?", "gotta go", "I'm done"])
def test_ambiguous_phrases_are_confirmed_not_acted_on(text):
    reading = interpret(text, at("mood_before"), "pause").intent
    assert reading in ("confirm_pause", "inform")
    assert reading != "pause"


def test_tired_answers_a_feeling_question_but_is_confirmed_elsewhere():
    assert interpret("tired", at("body_check"), "pause").intent == "inform"
    assert interpret("later", at("evidence_for"), "pause").intent == "confirm_pause"


def test_diet_alone_never_pauses_a_form():
    for text in ("I want to stop feeling guilty", "kind of done with feeling guilty"):
        assert interpret(text, at("thought"), "pause").intent == "inform"


def test_a_clear_question_mid_form_keeps_the_faq_intent():
    assert interpret("wait who reads this?", at("body_check"), "faq").intent is None
    # Not clearly a question: the answer.
    state = at("evidence_for")
    assert interpret("is true that I cry a lot", state, "chitchat").intent == "inform"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("yes", True),
        ("yes im ok", True),
        ("Yes, I'm safe", True),
        ("no", False),
        ("no, I am not safe", False),
        ("not really", False),
        ("idk", False),
        ("I still have the pills", False),
        ("yes but I still have the pills", False),
    ],
)
def test_are_you_safe_needs_a_clear_yes(text, safe):
    assert is_safe_answer(text) is safe
    reading = interpret(text, DialogueState(last_utterance="utter_ask_safe_now"), "faq")
    assert reading.intent == ("affirm" if safe else "deny")


def test_yes_please_to_continue_or_stop_resumes():
    state = DialogueState(last_utterance="utter_offer_continue_or_stop")
    assert interpret("yes please", state, "affirm").intent == "resume_reflection"
    assert interpret("stop for now", state, "pause").intent == "pause"


@pytest.mark.parametrize("text", ["yes", "continue", "ok let's keep going", "I'm back"])
def test_resume_after_a_pause(text):
    state = DialogueState(last_utterance="utter_paused")
    assert interpret(text, state, "greet").intent == "resume_reflection"


def test_screener_answers_are_yes_or_no():
    state = DialogueState(SCREENER_LOOP, "cssrs_wish_dead", "utter_ask_cssrs_wish_dead")
    assert interpret("yeah", state, "chitchat").intent == "affirm"
    assert interpret("nope", state, "chitchat").intent == "deny"
    assert interpret("not sure", state, "chitchat").intent == "dont_know"


def test_button_payloads_keep_their_intent():
    assert interpret("/pause", at("body_check"), "pause").intent is None


def test_control_matcher_and_yes_no_basics():
    assert match_control("ok can we pause please").control is Control.PAUSE
    assert match_control("the thought says stop") is None
    assert read_yes_no("yesss") is YesNo.YES
    assert read_yes_no("nah") is YesNo.NO
    assert read_yes_no("maybe") is YesNo.UNSURE


@pytest.mark.parametrize(
    ("text", "control"),
    [
        # A longer polite opening must win over its first word ("i").
        ("I should like to stop now, please.", Control.PAUSE),
        ("I'm afraid I really don't know.", Control.DONT_KNOW),
        ("podemos parar un momento?", Control.PAUSE),
        ("salta esta pregunta porfa", Control.SKIP),
        ("volvamos a la pregunta anterior", Control.BACK),
        ("no tengo ni idea", Control.DONT_KNOW),
    ],
)
def test_polite_and_spanish_control_phrases(text, control):
    assert match_control(text).control is control


def test_a_spanish_answer_that_mentions_a_control_word_stays_an_answer():
    state = at("evidence_for")
    text = "que la semana pasada no quise seguir con la dieta"
    assert interpret(text, state, "chitchat").intent == "inform"
