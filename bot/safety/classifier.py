"""Learned second layer: a TF-IDF + logistic-regression risk classifier.

The lexicon is precise on the wording it knows and blind to wording it does
not; this layer generalises from a hand-written corpus
(``bot/safety/data/train.jsonl`` and ``dev.jsonl``, built by
``bot/safety/data/build_corpus.py``) to catch what the rules miss. It never
trains or tunes on ``eval/crisis/heldout.jsonl`` or the probe sets.

Model: word 1-2-grams and ``char_wb`` 2-5-grams of the *normalised* text (the
detector's :class:`~bot.safety.normalise.Normaliser`), sublinear TF-IDF, each
block L2-normalised, then logistic regression. Two linear heads share the features: a binary risk head
(risk versus none) and a one-vs-rest level head fitted on risk messages. Risk
is the risk head's probability for the whole text; when it fires, the sentence
with the highest risk is reported as evidence.

Threshold: grouped 5-fold cross-validation over train and dev (all variants of
one core message stay in one fold) gives out-of-fold risk scores; the threshold
is the lowest that keeps out-of-fold specificity at or above
:data:`TARGET_SPECIFICITY` (stricter than the 0.95 product target, because
classifier false alarms add to the lexicon's). The final model is then fitted
on train and dev together.

Training takes a second or two, is deterministic (fixed data order, liblinear
with a fixed ``random_state``) and runs once per process per lexicon (cached by
the detector). Scoring
does not call scikit-learn: the fitted vocabularies, IDF weights and
coefficients are folded into one dictionary from n-gram to per-class weights,
so one message costs tens of microseconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.safety.verdict import Level

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVELS = (Level.NONE, Level.LOW, Level.MODERATE, Level.HIGH, Level.IMMINENT)
TARGET_SPECIFICITY = 0.97
FOLDS = 5
C = 4.0
MAX_CLASSIFIER_LEVEL = Level.HIGH  # imminent needs lexicon evidence
_SENTENCE = re.compile(r"[^.!?\n;¿¡]+[.!?\n;]*")
_WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")
_LOG1P = [0.0] + [1.0 + math.log(count) for count in range(1, 64)]


@dataclass(frozen=True)
class Prediction:
    """Classifier output for one text.

    Attributes:
        risk: probability that the message carries any risk (``1 - P(none)``).
        level: most probable risk level (never above ``high``).
        start, end: span of the most indicative sentence in the scored text.
    """

    risk: float
    level: Level
    start: int
    end: int


def word_ngrams(text: str) -> list[str]:
    """Word 1- and 2-grams, as scikit-learn's word analyzer makes them."""
    tokens = _WORD_TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def char_ngrams(text: str) -> list[str]:
    """``char_wb`` 2-5-grams, as scikit-learn's char_wb analyzer makes them."""
    grams = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(2, 6):
            grams.extend(padded[i : i + n] for i in range(max(1, length - n + 1)))
            if length <= n:  # a short word counts once (scikit-learn does the same)
                break
    return grams


def load_corpus(name: str, directory: Path = DATA_DIR) -> list[dict]:
    path = directory / f"{name}.jsonl"
    return [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def corpus_digest(directory: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for name in ("train", "dev"):
        digest.update((directory / f"{name}.jsonl").read_bytes())
    return digest.hexdigest()[:16]


class _Block:
    """One fitted TF-IDF block: n-gram -> column, IDF, and its analyzer."""

    def __init__(self, analyzer, vocabulary, idf, offset: int) -> None:
        self.analyzer = analyzer
        self.index = {gram: offset + j for gram, j in vocabulary.items()}
        self.idf = {offset + j: float(idf[j]) for j in vocabulary.values()}

    def features(self, text: str, columns: list[int], values: list[float]) -> None:
        index = self.index
        idf = self.idf
        weighted = []
        for gram, count in Counter(self.analyzer(text)).items():
            column = index.get(gram)
            if column is not None:
                weighted.append(
                    (
                        column,
                        (_LOG1P[count] if count < 64 else 1.0 + math.log(count))
                        * idf[column],
                    )
                )
        if not weighted:
            return
        norm = math.sqrt(sum(value * value for _, value in weighted))
        for column, value in weighted:
            columns.append(column)
            values.append(value / norm)


class RiskClassifier:
    """The fitted model; build with :meth:`train`.

    Two linear heads share the features: a binary risk head (any risk versus
    none) and a level head (one-vs-rest over low, moderate, high, imminent,
    fitted on risk messages only).
    """

    def __init__(
        self,
        blocks: list[_Block],
        weights: np.ndarray,
        intercept: np.ndarray,
        threshold: float = 0.5,
        normalise: Callable[[str], str] | None = None,
        digest: str = "",
    ) -> None:
        self._blocks = blocks
        self._weights = weights  # (features, 5): risk head, then level logits
        self._intercept = intercept
        self.threshold = threshold
        self._normalise = normalise or _identity
        self.digest = digest

    # -- training -------------------------------------------------------------

    @classmethod
    def train(
        cls,
        normalise: Callable[[str], str] | None = None,
        directory: Path = DATA_DIR,
    ) -> RiskClassifier:
        from sklearn.model_selection import GroupKFold

        normalise = normalise or str.lower
        rows = load_corpus("train", directory) + load_corpus("dev", directory)
        texts = [normalise(row["text"]) for row in rows]
        labels = np.array([int(Level.parse(row["level"])) for row in rows])
        groups = np.array([row["id"].split(".")[0] for row in rows])
        risky = labels > 0

        oof = np.zeros(len(rows))
        for train_idx, test_idx in GroupKFold(n_splits=FOLDS).split(
            texts, labels, groups
        ):
            model = cls._fit([texts[i] for i in train_idx], labels[train_idx])
            oof[test_idx] = [model.risk_of(texts[i]) for i in test_idx]
        threshold = choose_threshold(oof[~risky], TARGET_SPECIFICITY)
        final = cls._fit(texts, labels)
        final.threshold = threshold
        final._normalise = normalise
        final.digest = corpus_digest(directory)
        final.cv_sensitivity = float(np.mean(oof[risky] >= threshold))
        final.cv_specificity = float(np.mean(oof[~risky] < threshold))
        logger.info(
            "crisis classifier: %d messages, threshold %.3f, cross-validated "
            "sensitivity %.3f, specificity %.3f",
            len(rows),
            threshold,
            final.cv_sensitivity,
            final.cv_specificity,
        )
        return final

    @classmethod
    def _fit(cls, texts: Sequence[str], labels: np.ndarray) -> RiskClassifier:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizers = [
            TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True),
            TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2),
        ]
        matrices = [v.fit_transform(texts) for v in vectorizers]
        features = hstack(matrices).tocsr()
        risky = labels > 0
        risk_head = LogisticRegression(
            C=C, class_weight="balanced", solver="liblinear", random_state=0
        )
        risk_head.fit(features, risky.astype(int))
        level_head = LogisticRegression(
            C=C, class_weight="balanced", solver="liblinear", random_state=0
        )
        level_head.fit(features[risky], labels[risky])
        weights = np.zeros((features.shape[1], len(LEVELS)))
        intercept = np.full(len(LEVELS), -1e9)
        weights[:, 0] = risk_head.coef_[0]
        intercept[0] = risk_head.intercept_[0]
        classes = [int(label) for label in level_head.classes_]
        if len(classes) == 2:  # binary: one row of coefficients, for classes[1]
            weights[:, classes[1]] = level_head.coef_[0]
            intercept[classes[1]] = level_head.intercept_[0]
            weights[:, classes[0]] = -level_head.coef_[0]
            intercept[classes[0]] = -level_head.intercept_[0]
        else:
            for row, label in enumerate(classes):
                weights[:, label] = level_head.coef_[row]
                intercept[label] = level_head.intercept_[row]
        blocks = []
        offset = 0
        for vectorizer, matrix in zip(vectorizers, matrices, strict=True):
            blocks.append(
                _Block(
                    vectorizer.analyzer,
                    vectorizer.vocabulary_,
                    vectorizer.idf_,
                    offset,
                )
            )
            offset += matrix.shape[1]
        return cls(blocks, weights, intercept)

    # -- scoring --------------------------------------------------------------

    def _logits(self, text: str) -> np.ndarray:
        columns: list[int] = []
        values: list[float] = []
        for block in self._blocks:
            block.features(text, columns, values)
        if not columns:
            return self._intercept
        return np.asarray(values) @ self._weights[columns] + self._intercept

    def risk_of(self, text: str) -> float:
        """Risk of an already normalised text (the whole text is scored)."""
        return _sigmoid(self._logits(text)[0])

    def predict_normalised(self, text: str) -> Prediction:
        """Score text that has already been normalised (offsets refer to it).

        The level comes from the whole text; the span is the sentence with the
        highest risk (the whole text when it is one sentence).
        """
        logits = self._logits(text)
        risk = _sigmoid(logits[0])
        start, end = 0, len(text)
        sentences = [m for m in _SENTENCE.finditer(text) if m.group().strip()]
        if len(sentences) > 1 and risk >= self.threshold:
            best = max(sentences, key=lambda m: self._logits(m.group())[0])
            start, end = best.start(), best.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        level = Level(1 + int(np.argmax(logits[1 : int(MAX_CLASSIFIER_LEVEL) + 1])))
        return Prediction(risk, level, start, end)

    def predict(self, text: str) -> Prediction:
        """Score raw text (normalised first; offsets refer to the normalised text)."""
        return self.predict_normalised(self._normalise(text))

    def fires(self, prediction: Prediction) -> bool:
        return prediction.risk >= self.threshold


def _sigmoid(value: float) -> float:
    value = float(value)
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def choose_threshold(negative_scores: np.ndarray, specificity: float) -> float:
    """Lowest threshold leaving at least ``specificity`` of negatives below it."""
    ordered = np.sort(np.asarray(negative_scores, dtype=float))
    if len(ordered) == 0:
        return 0.5
    allowed = int(math.floor(len(ordered) * (1.0 - specificity)))
    # Scores >= threshold fire: put the threshold just above the highest
    # negative that must stay quiet.
    index = len(ordered) - allowed - 1
    return float(min(0.99, max(0.5, ordered[index] + 1e-6)))


def _identity(text: str) -> str:
    return text
