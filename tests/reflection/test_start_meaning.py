"""The start reader: a polite or chatty opening that asks to begin."""

import numpy as np

from bot.reflection import start_meaning
from bot.reflection.understanding import DialogueState, interpret

OPENING = (
    "Good afternoon. The nurse at the clinic suggested I use this programme to do "
    "my reflection after yesterday's treatment. Kind regards, Harold."
)


def test_the_artifact_matches_the_corpus_it_was_fitted_on():
    data = np.load(start_meaning.ARTIFACT, allow_pickle=False)
    assert (
        str(data["digest"]) == start_meaning.corpus_digest()
    ), "run python -m bot.reflection.start_meaning build"


def test_a_polite_opening_diet_did_not_follow_starts_the_reflection():
    reading = interpret(OPENING, DialogueState(), "nlu_fallback")
    assert reading.intent == "start_reflection"


def test_a_greeting_alone_stays_a_greeting():
    for text in (
        "good morning",
        "hi there",
        "Good afternoon. My daughter set this up.",
    ):
        assert interpret(text, DialogueState(), "greet").intent is None


def test_an_opening_diet_took_for_a_question_starts_the_reflection():
    # DIET's guess on a long opening depends on its seed (seed 7: faq at 0.99).
    assert interpret(OPENING, DialogueState(), "faq").intent == "start_reflection"
    for question in ("who reads what I write here?", "how long does it take?"):
        assert interpret(question, DialogueState(), "faq").intent is None


def test_diets_settled_readings_and_forms_are_left_alone():
    assert interpret(OPENING, DialogueState(), "affirm").intent is None
    in_form = DialogueState("reflection_form", "evidence_for", "utter_ask_evidence_for")
    assert interpret(OPENING, in_form, "nlu_fallback").intent == "inform"


def test_a_safety_question_is_never_answered_by_the_start_reader():
    state = DialogueState(last_utterance="utter_ask_crisis_check")
    assert interpret(OPENING, state, "nlu_fallback").intent is None


def test_if_the_reader_fails_diet_stands(monkeypatch):
    def broken():
        raise RuntimeError("encoder missing")

    monkeypatch.setattr(start_meaning, "_shared", broken)
    assert interpret(OPENING, DialogueState(), "nlu_fallback").intent is None
