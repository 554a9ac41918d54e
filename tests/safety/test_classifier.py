"""The learned second layer and how the detector combines it with the lexicon."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety import CrisisDetector, Level
from bot.safety.classifier import (
    DATA_DIR,
    RiskClassifier,
    char_ngrams,
    choose_threshold,
    word_ngrams,
)
from bot.safety.evaluate import EVAL_DIR


@pytest.fixture(scope="module")
def classifier(detector):
    assert detector.classifier is not None
    return detector.classifier


@pytest.fixture(scope="module")
def lexicon_only():
    return CrisisDetector(classifier=False)


def test_analyzers_match_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = "I can't   go on, it's TOO much!! ya no puedo más"
    word = TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    assert word_ngrams(text) == word(text)
    assert char_ngrams(text) == char(text)


def test_scores_match_scikit_learn_probabilities(classifier):
    # The hand-folded scorer reproduces a scikit-learn pipeline fitted the same way.
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = ["i want to die", "my back is killing me", "can i eat first", "im done"]
    labels = [2, 0, 0, 1]
    model = RiskClassifier._fit(texts, __import__("numpy").array(labels))
    vectorizers = [
        TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True),
        TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2),
    ]
    features = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    reference = LogisticRegression(
        C=4.0, class_weight="balanced", solver="liblinear", random_state=0
    ).fit(features, [int(y > 0) for y in labels])
    for text in texts + ["something unseen entirely"]:
        row = hstack([v.transform([text]) for v in vectorizers]).tocsr()
        expected = reference.predict_proba(row)[0, 1]
        assert model.risk_of(text) == pytest.approx(expected, abs=1e-9)


def test_training_is_deterministic(detector):
    normalise = detector.classifier._normalise
    first = RiskClassifier.train(normalise)
    second = RiskClassifier.train(normalise)
    assert first.threshold == second.threshold
    for text in ["no point anymore", "see you tuesday", "how many would it take"]:
        assert first.predict(text) == second.predict(text)


def test_threshold_keeps_cross_validated_specificity(classifier):
    assert classifier.cv_specificity >= 0.95
    assert 0.5 <= classifier.threshold < 1.0


def test_choose_threshold():
    negatives = [0.1] * 97 + [0.6, 0.7, 0.8]
    threshold = choose_threshold(negatives, 0.97)
    assert sum(score >= threshold for score in negatives) <= 3
    assert choose_threshold([], 0.97) == 0.5


def test_corpus_is_large_varied_and_disjoint_from_evaluation_sets():
    rows = [
        json.loads(line)
        for name in ("train", "dev")
        for line in (DATA_DIR / f"{name}.jsonl").read_text("utf-8").splitlines()
    ]
    train = [r for r in rows if r["id"]]
    assert len((DATA_DIR / "train.jsonl").read_text("utf-8").splitlines()) >= 600
    levels = {r["level"] for r in train}
    assert levels == {"none", "low", "moderate", "high", "imminent"}
    tags = {t for r in train for t in r["tags"]}
    assert {"es", "typo", "long", "idiom", "negation", "third_party"} <= tags
    assert {"media", "educational", "ketamine_experience"} <= tags
    evaluation = {
        json.loads(line)["text"].strip().lower()
        for path in EVAL_DIR.glob("*.jsonl")
        for line in path.read_text("utf-8").splitlines()
    }
    assert not {r["text"].strip().lower() for r in rows} & evaluation


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal",
        "i'm not suicidal, just really tired of everything lately",
        "I have never wanted to kill myself",
        "suicidal thoughts: none",
        "no thoughts of ending my life",
    ],
)
def test_explicit_denials_are_never_overridden(detector, text):
    assert detector.scan(text).level == Level.NONE


def test_classifier_alone_never_yields_imminent(detector, lexicon_only):
    texts = [
        json.loads(line)["text"]
        for name in ("train", "dev")
        for line in (DATA_DIR / f"{name}.jsonl").read_text("utf-8").splitlines()
    ]
    for text in texts:
        verdict = detector.scan(text)
        if any(e.rule.startswith("classifier.") for e in verdict.evidence):
            assert verdict.level <= Level.HIGH, text
            assert lexicon_only.scan(text).level < verdict.level, text


def _classifier_raised(detector, lexicon_only, texts):
    for text in texts:
        verdict = detector.scan(text)
        if verdict.evidence and verdict.evidence[0].rule.startswith("classifier."):
            yield text, verdict, lexicon_only.scan(text)


def test_classifier_evidence_points_into_the_original_text(detector, lexicon_only):
    texts = [
        json.loads(line)["text"]
        for line in (DATA_DIR / "train.jsonl").read_text("utf-8").splitlines()
    ]
    raised = list(_classifier_raised(detector, lexicon_only, texts))
    assert raised, "the classifier should raise some lexicon misses in its corpus"
    for text, verdict, lexicon in raised:
        evidence = verdict.evidence[0]
        assert evidence.rule == f"classifier.{verdict.level.label}"
        assert 0 <= evidence.start < evidence.end <= len(text)
        assert text[evidence.start : evidence.end] == evidence.text
        assert evidence.text.strip() == evidence.text
        assert verdict.category is not None
        assert lexicon.level < verdict.level <= Level.HIGH


def test_evidence_is_the_most_indicative_sentence(detector):
    text = (
        "The drive in was fine and the nurse was lovely. "
        "I keep feeling like everyone would be happier if I was not around. "
        "See you on Tuesday."
    )
    verdict = detector.scan(text)
    assert verdict.flagged
    first = verdict.evidence[0]
    assert text[first.start : first.end] == first.text
    assert "Tuesday" not in first.text and "drive" not in first.text


def test_without_classifier_the_lexicon_decides(lexicon_only):
    assert lexicon_only.classifier is None
    assert lexicon_only.scan("I want to die").level == Level.MODERATE


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_classifier_never_raises(classifier, text):
    prediction = classifier.predict(text)
    assert 0.0 <= prediction.risk <= 1.0
    assert Level.LOW <= prediction.level <= Level.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "how's it going",
        "of course",
        "pick up where we left off",
        "i'm leaving now bye",
        "will it be sunny tomorrow",
        "can we keep going with the reflection",
    ],
)
def test_second_layer_never_flags_text_without_risk_vocabulary(text):
    # The learned layer only refines messages in which the lexicon saw some
    # risk phrase or cue; everyday chat must never get a crisis reply.
    verdict = CrisisDetector.load().scan(text)
    assert verdict.level == Level.NONE, verdict.to_dict()
