import pytest

from bot.traps import TRAP_NAMES, TrapDetector, TrapSuggestion
from bot.traps.examples import read_training_examples

# One clear, freshly worded thought per trap (none of them is in the data).
CLEAR_EXAMPLES = {
    "all_or_nothing": "If my speech isn't perfect, the whole evening is a total failure.",
    "overgeneralizing": "I always ruin everything, nothing ever works out for me.",
    "mental_filter": "The party was fun, but all I can think about is the one awkward joke I made.",
    "discounting_positive": "My boss praised my report, but she was just being nice, it doesn't count.",
    "mind_reading": "My coworkers think I'm weak because I'm having ketamine treatment.",
    "fortune_telling": "The ketamine worked for everyone else, but it'll never work for me.",
    "catastrophizing": "If I miss this deadline it will be a disaster and I'll lose everything.",
    "emotional_reasoning": "I feel like a failure, so I must be one.",
    "should_statements": "I should be over this by now and I must stop complaining.",
    "labeling": "I'm such a loser.",
    "personalization": "My son is unhappy at school and it's all my fault.",
    "blaming": "My ex ruined my life, it's all his fault I'm like this.",
}

NEUTRAL = [
    "I went for a walk with my sister after the infusion.",
    "The infusion was at ten and my partner picked me up at noon.",
    "I had soup for lunch and watched a film in the afternoon.",
    "I was tired today, and I still managed to answer a few emails.",
    "My appointment is on Tuesday at three.",
    "It rained this morning, so I read a book indoors.",
]


@pytest.mark.parametrize(("trap", "thought"), sorted(CLEAR_EXAMPLES.items()))
def test_clear_example_ranks_trap_in_top_three(detector, trap, thought):
    names = [s.name for s in detector.detect(thought, top_k=3)]
    assert trap in names


@pytest.mark.parametrize("thought", NEUTRAL)
def test_neutral_thought_gives_no_suggestion(detector, thought):
    assert detector.detect(thought) == []


@pytest.mark.parametrize("thought", sorted(CLEAR_EXAMPLES.values()))
def test_cues_are_words_from_the_thought(detector, thought):
    suggestions = detector.detect(thought)
    assert suggestions
    for suggestion in suggestions:
        assert suggestion.cues, suggestion
        for cue in suggestion.cues:
            assert cue.strip() and cue in thought


def test_suggestions_are_ranked_scored_and_limited(detector):
    thought = "The ketamine worked for everyone else, it'll never work for me."
    suggestions = detector.detect(thought, top_k=5)
    assert {"fortune_telling", "overgeneralizing"} <= {s.name for s in suggestions}
    assert all(isinstance(s, TrapSuggestion) for s in suggestions)
    assert all(s.name in TRAP_NAMES and 0.0 <= s.score <= 1.0 for s in suggestions)
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert len({s.name for s in suggestions}) == len(suggestions)
    assert detector.detect(thought, top_k=1) == suggestions[:1]
    assert detector.detect(thought, top_k=0) == []


def test_cues_keep_the_patients_spelling(detector):
    thought = "EVERYONE at work thinks I’m USELESS."
    cues = {cue for s in detector.detect(thought) for cue in s.cues}
    assert cues and all(cue in thought for cue in cues)


def test_negated_absolute_is_not_a_cue(detector):
    suggestions = detector.detect("It's not always like this, and some days go well.")
    assert all("always" not in s.cues for s in suggestions)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   \n\t ",
        None,
        42,
        b"\xff\xfe\x00binary",
        "\x00\x01\x02\ud800\ufffd",
        "<script>alert('x')</script>",
        "I always fail " * 8000,  # ~100 KB
        "🙂" * 500,
    ],
    ids=[
        "empty",
        "blank",
        "none",
        "int",
        "bytes",
        "controls",
        "markup",
        "100kb",
        "emoji",
    ],
)
def test_bad_input_never_raises(detector, bad):
    assert isinstance(detector.detect(bad), list)


def test_markup_is_ignored(detector):
    plain = detector.detect("I'm such a loser.")
    assert [s.name for s in detector.detect("<p>I'm such a <b>loser</b>.</p>")][:1] == [
        plain[0].name
    ]


def test_training_is_deterministic(detector):
    retrained = TrapDetector.train(read_training_examples())
    assert retrained.thresholds == detector.thresholds
    thought = "Nobody ever listens to me, they think I'm stupid."
    assert retrained.detect(thought) == detector.detect(thought)


def test_every_trap_has_forty_training_examples():
    examples = read_training_examples()
    for trap in TRAP_NAMES:
        assert sum(trap in e.traps for e in examples) >= 40, trap
