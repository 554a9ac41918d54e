"""The pause reader: asks when a message reads as a wish to stop, never acts."""

import numpy as np

from bot.reflection import pause_meaning
from bot.reflection.understanding import DialogueState, interpret


def at(slot: str) -> DialogueState:
    return DialogueState("reflection_form", slot, f"utter_ask_{slot}")


def test_the_artifact_matches_the_corpus_it_was_fitted_on():
    data = np.load(pause_meaning.ARTIFACT, allow_pickle=False)
    assert (
        str(data["digest"]) == pause_meaning.corpus_digest()
    ), "run python -m bot.reflection.pause_meaning build"


def test_a_pause_in_words_no_list_holds_is_asked_about():
    text = "I would prefer to finish this another time"
    assert interpret(text, at("evidence_for"), "inform").intent == "confirm_pause"


def test_answers_are_not_asked_about():
    for text in ("my sister called me on Sunday", "that I always mess things up"):
        assert interpret(text, at("evidence_for"), "pause").intent == "inform"


def test_a_feeling_step_takes_tiredness_as_the_answer():
    text = "wiped out, want to lie down"
    assert interpret(text, at("body_check"), "pause").intent == "inform"


def test_if_the_reader_fails_the_answer_is_kept(monkeypatch):
    def broken():
        raise RuntimeError("encoder missing")

    monkeypatch.setattr(pause_meaning.PauseMeaning, "load", staticmethod(broken))
    text = "I would prefer to finish this another time"
    assert interpret(text, at("evidence_for"), "inform").intent == "inform"
