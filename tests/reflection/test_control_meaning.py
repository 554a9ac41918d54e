"""The control reader: requests in new words, acted on only when it is sure."""

import numpy as np

from bot.reflection import control_meaning
from bot.reflection.understanding import DialogueState, interpret


def at(slot: str) -> DialogueState:
    return DialogueState("reflection_form", slot, f"utter_ask_{slot}")


def test_the_artifact_matches_the_corpus_it_was_fitted_on():
    data = np.load(control_meaning.ARTIFACT, allow_pickle=False)
    assert (
        str(data["digest"]) == control_meaning.corpus_digest()
    ), "run python -m bot.reflection.control_meaning build"


def test_a_pause_in_words_no_list_holds_is_asked_about():
    text = "I would prefer to finish this another time"
    assert interpret(text, at("evidence_for"), "inform").intent == "confirm_pause"


def test_a_skip_in_words_no_list_holds_is_acted_on():
    text = "I would rather not answer that particular question"
    reading = control_meaning.read_request(text)
    assert reading is not None and reading.request == "skip"
    assert interpret(text, at("evidence_for"), "inform").intent == "skip"


def test_answers_are_kept():
    for text in (
        "my sister called me on Sunday",
        "that I always mess things up",
        "I don't know if I can trust anyone at work",
    ):
        assert interpret(text, at("evidence_for"), "pause").intent == "inform"


def test_a_feeling_step_takes_tiredness_as_the_answer():
    text = "wiped out, want to lie down"
    assert interpret(text, at("body_check"), "pause").intent == "inform"


def test_if_the_reader_fails_the_answer_is_kept(monkeypatch):
    def broken():
        raise RuntimeError("encoder missing")

    monkeypatch.setattr(control_meaning.ControlMeaning, "load", staticmethod(broken))
    text = "I would prefer to finish this another time"
    assert interpret(text, at("evidence_for"), "inform").intent == "inform"


def test_a_request_the_reader_is_fairly_sure_of_is_asked_about_not_acted_on():
    text = "can I have another go at the one before"
    reading = control_meaning.read_request(text)
    assert reading is not None and reading.decision == control_meaning.ASK
    interpretation = interpret(text, at("evidence_for"), "inform")
    assert interpretation.intent == "confirm_request"
    assert interpretation.request == "back"


def test_decisions_follow_the_thresholds():
    decide = control_meaning.decide
    assert decide("skip", control_meaning.ACT_THRESHOLD) == control_meaning.ACT
    assert decide("skip", control_meaning.ASK_THRESHOLD) == control_meaning.ASK
    assert decide("skip", control_meaning.ASK_THRESHOLD - 0.01) is None
    # A pause is only ever asked about; "resume" and answers are answers.
    assert decide("pause", 0.99) == control_meaning.ASK
    assert decide("resume", 0.99) is None
    assert decide(control_meaning.ANSWER, 0.99) is None


def go_on_question() -> DialogueState:
    return DialogueState(last_utterance="utter_offer_continue_or_stop")


def test_go_on_or_stop_is_read_by_meaning_when_no_yes_no_word_answers_it():
    assert interpret("leave it for now", go_on_question(), None).intent == "pause"
    assert (
        interpret("carry on from where we stopped", go_on_question(), None).intent
        == "resume_reflection"
    )


def test_a_safety_question_is_never_answered_by_the_control_reader():
    for question in ("utter_ask_low_safety", "utter_ask_crisis_check"):
        state = DialogueState(last_utterance=question)
        assert interpret("leave it for now", state, None).intent is None
