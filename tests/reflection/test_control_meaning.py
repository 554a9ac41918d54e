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
