"""General classes of wording the 2026.11.3 lexicon fixes (not single sentences).

Each class is tested with several phrasings, and with a benign look-alike that
must stay as it is.
"""

import pytest

from bot.safety import Level


@pytest.mark.parametrize(
    "text",
    [
        "i took way more of my meds than i should have",
        "took far more of the sleeping pills than prescribed",
        "i swallowed a bunch of pills",
        "downed the whole bottle",
        "took like 30 of my sleeping pills",
        "i took way too many of my pills on purpose",
        "I took a fistful of my xanax",
    ],
)
def test_overdose_in_progress_is_imminent(level_of, text):
    assert level_of(text) == "imminent"


@pytest.mark.parametrize(
    "text",
    [
        "how many tylenol would it take",
        "how much of my ambien would be enough",
        "how much tylenol would be lethal",
        "which pills are strongest",
        "what's the most lethal combination of my meds",
    ],
)
def test_quantity_or_lethality_questions_are_method_seeking(detector, text):
    verdict = detector.scan(text)
    assert verdict.level >= Level.MODERATE, verdict.to_dict()
    assert verdict.category == "method_seeking"


def test_quantity_question_with_distress_is_high(level_of):
    assert level_of("I can't do this anymore. how many tylenol would it take") in (
        "high",
        "imminent",
    )


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill myself tonight",
        "i want to end my life this weekend",
        "I want to kill myself after everyone's asleep",
        "i just want to kill myself when they leave",
        "gonna kill myself today",
    ],
)
def test_wished_act_with_timeline_is_imminent(level_of, text):
    assert level_of(text) == "imminent"


@pytest.mark.parametrize(
    "text",
    [
        "tengo ganas de desaparecer para siempre",
        "ya no quiero estar aquí",
        "sería mejor si no existiera",
        "ojalá no despertara mañana",
        "mi familia estaría mejor sin mí",
        "no quiero seguir viviendo así",
        "no le veo sentido a la vida",
        "ya no le encuentro sentido a nada",
    ],
)
def test_spanish_passive_ideation_is_at_least_low(detector, text):
    assert detector.scan(text).level >= Level.LOW, text


@pytest.mark.parametrize(
    "text", ["me quiero morir", "quisiera morirme", "quiero estar muerta"]
)
def test_spanish_wish_to_die_is_moderate(level_of, text):
    assert level_of(text) == "moderate"


@pytest.mark.parametrize(
    "text",
    [
        "whats the point of anything, i just want it all to stop",
        "i just want everything to stop",
        "what's even the point anymore",
        "nothing matters anymore",
    ],
)
def test_hopelessness_wanting_it_all_to_stop_is_low(level_of, text):
    assert level_of(text) == "low"


@pytest.mark.parametrize(
    "text",
    [
        "i took my meds this morning",
        "i took way more ibuprofen than usual for my headache",
        "how many tylenol can i take for a headache",
        "how many sessions would it take to feel better",
        "i want this headache to stop",
        "what's the point of the second infusion?",
        "me muero de hambre",
        "tengo ganas de comer tacos",
        "my brother took way too many of his pills last year",
        "I'm not going to kill myself tonight, I promise",
    ],
)
def test_benign_look_alikes_stay_none(level_of, text):
    assert level_of(text) == "none"
