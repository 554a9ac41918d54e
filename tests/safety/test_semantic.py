"""The semantic layer: its corpus, its artifact and how it joins the lexicon."""

import json

import numpy as np
import pytest

from bot.safety import CrisisDetector, Level, semantic
from bot.safety.evaluate import EVAL_DIR, load_split
from bot.safety.lexical_features import FEATURE_NAMES
from bot.safety.semantic import SemanticRisk, split_units


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector.load()


def test_the_artifact_matches_the_corpus_it_was_fitted_on():
    data = np.load(semantic.ARTIFACT, allow_pickle=False)
    assert str(data["digest"]) == semantic.corpus_digest()
    assert 0 < float(data["ask"]) <= float(data["fire"]) < 1


def test_every_voice_set_is_well_labelled():
    for path in sorted(semantic.VOICES_DIR.glob("*.jsonl")):
        examples = load_split(path)  # raises with file and line on a bad label
        assert len(examples) >= 100, path.name
        share = sum(e.level == Level.NONE for e in examples) / len(examples)
        assert 0.3 <= share <= 0.6, f"{path.name}: {share:.0%} hard negatives"


def test_the_training_corpus_shares_no_message_with_any_evaluation_set():
    def texts(paths):
        # Very short replies ("how many would it take") recur by chance.
        return {
            text
            for path in paths
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
            and len((text := json.loads(line)["text"].strip().lower()).split()) > 5
        }

    jsonl = [p for p in semantic.corpus_files() if p.suffix == ".jsonl"]
    training = texts(jsonl)
    evaluation = texts(sorted(EVAL_DIR.rglob("*.jsonl")))
    assert not training & evaluation


def test_a_stored_head_decides_as_the_fitted_machine_does():
    from sklearn.svm import SVC

    rng = np.random.default_rng(0)
    rows = rng.normal(size=(80, 6)).astype(np.float32)
    labels = (rows[:, 0] + rows[:, 1] ** 2 > 0.5).astype(int)
    kernel = semantic._fit_kernel(rows, labels, gamma=0.3)
    fitted = SVC(C=semantic._C, gamma=0.3, class_weight="balanced").fit(rows, labels)
    probe = rng.normal(size=(20, 6)).astype(np.float32)
    np.testing.assert_allclose(
        kernel.decision(probe), fitted.decision_function(probe), rtol=1e-4, atol=1e-4
    )


def test_the_heads_read_what_the_lexicon_saw(detector):
    features = detector.lexical_features("I'm not suicidal, just tired")
    assert features.shape == (len(FEATURE_NAMES),)
    assert features[FEATURE_NAMES.index("denial")] == 1.0
    assert features[FEATURE_NAMES.index("level:none")] == 1.0
    risky = detector.lexical_features("I want to kill myself tonight")
    assert risky[FEATURE_NAMES.index("level:none")] == 0.0


def test_a_long_journal_is_read_in_runs_of_sentences():
    text = " ".join(["We went to the market and bought apples."] * 12)
    units = split_units(text)
    assert len(units) > 1
    assert all(len(u.text.split()) <= semantic.UNIT_WORDS for u in units)
    assert all(text[u.start : u.end].strip() == u.text for u in units)


def test_meaning_is_caught_where_the_lexicon_sees_nothing(detector):
    text = "Tried twice in the last two days to end it."
    assert CrisisDetector(semantic=False).scan(text).level == Level.NONE
    verdict = detector.scan(text)
    assert verdict.level >= Level.MODERATE
    first = verdict.evidence[0]
    assert first.rule.startswith("semantic.")
    assert len(first.nearest) == semantic.NEIGHBOURS
    assert text[first.start : first.end] == first.text


def test_one_risky_line_in_a_long_ordinary_message_is_found(detector):
    ordinary = "The dog needed a walk and the kettle broke again this morning. "
    risky = "I wrote letters to everyone and I'm giving my things away. "
    text = ordinary * 6 + risky + ordinary * 6
    verdict = detector.scan(text)
    assert verdict.level >= Level.HIGH
    assert "letters" in " ".join(e.text for e in verdict.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "how's it going",
        "of course",
        "I'm tired after the infusion, going to nap",
        "the weather is lovely today and I had a nice walk",
        "Thanks for the reminder about Thursday! I'll be there at 10.",
    ],
)
def test_everyday_messages_are_left_alone(detector, text):
    assert detector.scan(text).level == Level.NONE


def test_an_explicit_denial_is_not_overridden(detector):
    verdict = detector.scan("I'm not suicidal, just really tired today")
    assert verdict.level == Level.NONE


@pytest.mark.xfail(
    strict=True,
    reason="known false positive of 2026.12.3: read as high (plan_means); "
    "listed in eval/crisis/README.md",
)
def test_someone_elses_story_only_ever_gets_a_question(detector):
    verdict = detector.scan("my husband's friend jumped off a bridge in 2019")
    assert verdict.level <= Level.LOW


def _always(level: Level, probability: float):
    def assess(text, context, lexical):
        return semantic.Finding(probability, level, "explicit_si", 0, len(text), ("x",))

    return assess


def test_imminent_needs_a_stated_time_or_means(monkeypatch):
    layer = SemanticRisk.load()
    monkeypatch.setattr(layer, "assess", _always(Level.IMMINENT, 0.99))
    detector = CrisisDetector(semantic=layer)
    assert detector.scan("I have decided, I am going to do it").level == Level.HIGH
    assert (
        detector.scan("I have decided, I am doing it tonight").level == Level.IMMINENT
    )
    # The time may come from an earlier message.
    context = ["I have the pills right here"]
    assert detector.scan("I have decided", context).level == Level.IMMINENT


def test_the_uncertain_band_asks_one_question(monkeypatch):
    layer = SemanticRisk.load()
    probability = (layer.ask + layer.fire) / 2
    monkeypatch.setattr(layer, "assess", _always(Level.HIGH, probability))
    verdict = CrisisDetector(semantic=layer).scan("some days are a lot")
    assert (verdict.level, verdict.category) == (Level.LOW, "unclear")
    assert verdict.evidence[0].rule == "semantic.ask"


def test_the_semantic_layer_never_lowers_the_lexicon(detector):
    lexicon = CrisisDetector(semantic=False)
    for example in load_split(EVAL_DIR / "heldout.jsonl"):
        assert detector.scan(example.text).level >= lexicon.scan(example.text).level


def test_reflection_answers_join_as_negatives_but_never_where_risk_can_live():

    examples = semantic.load_examples()
    answers = [e for e in examples if e.reflection]
    assert answers and all(e.level == Level.NONE for e in answers)
    ids = {e.id.removeprefix("reflection:") for e in answers}
    for path in semantic._reflection_files():
        for record in semantic._read(path):
            if record.get("slot") in ("thought", "evidence_for", "therapy_note"):
                assert record["id"] not in ids
    # fresh5 measures false flags in a form: never trained on.
    assert not any("fresh5" in str(p) for p in semantic._reflection_files())
    # Thresholds and leave-one-voice-out folds are the crisis voice sets only.
    assert set(semantic.held_out_voices(examples)) == {
        p.stem for p in semantic.VOICES_DIR.glob("*.jsonl")
    }
