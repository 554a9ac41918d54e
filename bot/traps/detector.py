"""Suggest the thinking traps a thought may fall into.

Three signals are combined in one multi-label model:

* what the thought means: its vector from the shared local sentence encoder
  (:mod:`bot.encoder`), which carries to wording no rule or n-gram has seen;
* cue rules (``bot.traps.cues``): spaCy token patterns such as absolutes,
  "should", self-labels or "I feel ..., so it must be ...", one feature each;
  they also give the patient's own words as the reason for a suggestion;
* TF-IDF word (lemma) and character n-grams of the thought.

A one-vs-rest logistic regression is trained on the labelled thoughts in
``bot/traps/data`` (many voices) at load time (a few CPU seconds,
deterministic). Each trap gets its own decision threshold, chosen on
out-of-fold predictions of the training data so that no evaluation set is
ever looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from threading import Lock

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier

from bot.encoder import SentenceEncoder
from bot.traps.catalog import TRAP_NAMES
from bot.traps.cues import Cue, CueMatcher, cue_texts, get_cue_matcher
from bot.traps.examples import Example, read_training_examples
from bot.traps.text import analyse, has_words

# Function words never shown as the reason for a suggestion.
_UNINFORMATIVE = frozenset(
    "i me my myself a an the and or to of in on at for it be have do is are was "
    "'s 'm 're 've 'll 'd this that with so but as by from not n't".split()
)


@dataclass(frozen=True)
class DetectorConfig:
    """Model settings; the defaults were chosen by cross-validation on training data."""

    regularization: float = 5.0  # LogisticRegression C
    encoder_weight: float = 2.0
    cue_weight: float = 1.0
    word_weight: float = 1.0
    char_weight: float = 0.5
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2  # rarer character n-grams only slow training down
    folds: int = 5
    min_threshold: float = 0.3
    max_threshold: float = 0.9
    # When no trap reaches its own threshold, the likeliest is still suggested
    # at this probability: a thought with a trap should rarely get none.
    # Leave one voice out: empty rate 0.073 -> 0.054, neutral FP 0.12 -> 0.14.
    fallback_floor: float = 0.4
    random_state: int = 0


@dataclass(frozen=True)
class TrapSuggestion:
    """A likely trap: its name, a score in [0, 1] and the words that suggested it."""

    name: str
    score: float
    cues: tuple[str, ...]


@dataclass(frozen=True)
class TrapReading:
    """What the detector makes of one thought."""

    suggestions: tuple[TrapSuggestion, ...]  # best first, at most ``top_k``
    ranked: tuple[str, ...]  # every trap, likeliest first


@dataclass(frozen=True)
class _Analysis:
    original: str
    lemmas: tuple[str, ...]
    lowered: str
    cues: tuple[Cue, ...]
    has_words: bool
    vector: np.ndarray | None = None  # the sentence encoder's reading


def analyse_thought(text: object, matcher: CueMatcher | None = None) -> _Analysis:
    """Tokenise ``text`` and find its cues."""
    original, doc = analyse(text)
    cues = tuple((matcher or get_cue_matcher()).find(doc, original))
    lemmas = tuple(
        token.lemma_.lower() for token in doc if not (token.is_punct or token.is_space)
    )
    return _Analysis(original, lemmas, doc.text, cues, has_words(doc))


def _with_vectors(analyses: Sequence[_Analysis]) -> list[_Analysis]:
    """The same analyses with their sentence vectors, encoded in one batch."""
    vectors = SentenceEncoder.shared().encode([a.original for a in analyses])
    return [replace(a, vector=v) for a, v in zip(analyses, vectors, strict=True)]


class _Features:
    """Sentence vector, word and character TF-IDF, and cue columns.

    Cue columns: one per rule; one per trap (how strongly the cues point at
    it); one per trap for negated cues ("it's not always like this"), which
    often mark a balanced thought; and one per trap for "cue and distress
    word together", since "I always have coffee on Sundays" is no trap while
    "I always mess up" is.
    """

    def __init__(self, config: DetectorConfig, rule_names: Sequence[str]) -> None:
        self.config = config
        self.rule_index = {name: i for i, name in enumerate(rule_names)}
        self.vector_size = 0  # set by fit
        self.words = TfidfVectorizer(
            analyzer=lambda lemmas: _ngrams(lemmas, config.word_ngrams),
            sublinear_tf=True,
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=config.char_ngrams,
            min_df=config.char_min_df,
            sublinear_tf=True,
        )

    def fit(self, analyses: Sequence[_Analysis]) -> _Features:
        self.vector_size = len(analyses[0].vector)
        self.words.fit([a.lemmas for a in analyses])
        self.chars.fit([a.lowered for a in analyses])
        return self

    def transform(self, analyses: Sequence[_Analysis]) -> sparse.csr_matrix:
        vectors = np.vstack([a.vector for a in analyses])
        return sparse.hstack(
            [
                sparse.csr_matrix(vectors * self.config.encoder_weight),
                self.words.transform([a.lemmas for a in analyses])
                * self.config.word_weight,
                self.chars.transform([a.lowered for a in analyses])
                * self.config.char_weight,
                self._cue_matrix(analyses) * self.config.cue_weight,
            ],
            format="csr",
        )

    def _cue_matrix(self, analyses: Sequence[_Analysis]) -> sparse.csr_matrix:
        n_rules, n_traps = len(self.rule_index), len(TRAP_NAMES)
        matrix = np.zeros((len(analyses), n_rules + 3 * n_traps))
        for row, analysis in enumerate(analyses):
            distressed = any(cue.rule == "affect.negative" for cue in analysis.cues)
            for cue in analysis.cues:
                if not cue.negated:
                    # Affect words are counted (up to three); rules are present or not.
                    weight = 1 / 3 if cue.rule.startswith("affect.") else 1.0
                    matrix[row, self.rule_index[cue.rule]] += weight
                for trap in cue.traps:
                    column = TRAP_NAMES.index(trap)
                    if cue.negated:
                        matrix[row, n_rules + n_traps + column] = 1.0
                        continue
                    matrix[row, n_rules + column] += 0.5
                    if distressed:
                        matrix[row, n_rules + 2 * n_traps + column] = 1.0
        return sparse.csr_matrix(np.minimum(matrix, 1.0))


def _ngrams(tokens: Sequence[str], sizes: tuple[int, int]) -> list[str]:
    low, high = sizes
    return [
        " ".join(tokens[i : i + n])
        for n in range(low, high + 1)
        for i in range(len(tokens) - n + 1)
    ]


class TrapDetector:
    """Ranks the thinking traps a thought may fall into.

    Use ``TrapDetector.load()`` for the shared, trained instance.
    """

    def __init__(
        self,
        features: _Features,
        model: OneVsRestClassifier,
        thresholds: dict[str, float],
        matcher: CueMatcher,
    ) -> None:
        self._features = features
        self._model = model
        self.thresholds = thresholds
        self._matcher = matcher

    @classmethod
    def load(cls) -> TrapDetector:
        """The detector trained on the bundled data, trained once per process."""
        return _load_default()

    @classmethod
    def train(
        cls, examples: Sequence[Example], config: DetectorConfig = DetectorConfig()
    ) -> TrapDetector:
        """Fit the model and choose per-trap thresholds out of fold.

        Args:
            examples: labelled thoughts; every trap needs positive examples.
            config: model settings.
        """
        matcher = get_cue_matcher()
        analyses = _with_vectors(
            [analyse_thought(example.thought, matcher) for example in examples]
        )
        labels = _label_matrix(examples)
        # The vectorisers never see labels, so fitting them once on all
        # examples keeps the out-of-fold thresholds honest and saves time.
        features = _Features(config, matcher.rule_names).fit(analyses)
        matrix = features.transform(analyses)
        thresholds = _choose_thresholds(matrix, labels, config)
        return cls(features, _fit(matrix, labels, config), thresholds, matcher)

    def probabilities(self, thought: object) -> dict[str, float]:
        """Model probability for every trap, in canonical order."""
        analysis = analyse_thought(thought, self._matcher)
        if not analysis.has_words:
            return dict.fromkeys(TRAP_NAMES, 0.0)
        return dict(zip(TRAP_NAMES, self._predict([analysis])[0], strict=True))

    def ranked(self, thought: object) -> list[str]:
        """Every trap, likeliest first (catalog order among equals)."""
        return list(self.read(thought).ranked)

    def detect(self, thought: object, top_k: int = 3) -> list[TrapSuggestion]:
        """Suggest up to ``top_k`` traps for ``thought``, most likely first.

        Returns an empty list for a balanced or neutral thought and for input
        that is empty or not text. Never raises on bad input.
        """
        return list(self.read(thought, top_k).suggestions)

    def read(self, thought: object, top_k: int = 3) -> TrapReading:
        """The suggestions and the ranking of every trap, from one scoring."""
        analysis = analyse_thought(thought, self._matcher)
        if not analysis.has_words:
            return TrapReading((), tuple(TRAP_NAMES))
        scores = self._predict([analysis])[0]
        ranked = tuple(TRAP_NAMES[i] for i in np.argsort(-scores, kind="stable"))
        if not isinstance(top_k, int) or top_k < 1:
            return TrapReading((), ranked)
        passed = [
            (name, float(score))
            for name, score in zip(TRAP_NAMES, scores, strict=True)
            if score >= self.thresholds[name]
        ]
        passed.sort(key=lambda item: item[1], reverse=True)
        if not passed:
            best = int(np.argmax(scores))
            if scores[best] >= self._features.config.fallback_floor:
                passed = [(TRAP_NAMES[best], float(scores[best]))]
        suggestions = tuple(
            TrapSuggestion(name, round(score, 3), self._explain(analysis, name))
            for name, score in passed[:top_k]
        )
        return TrapReading(suggestions, ranked)

    def _predict(self, analyses: Sequence[_Analysis]) -> np.ndarray:
        matrix = self._features.transform(_with_vectors(analyses))
        return self._model.predict_proba(matrix)

    def _explain(self, analysis: _Analysis, trap: str) -> tuple[str, ...]:
        """Words from the thought behind a suggestion: its cues, else top n-grams."""
        cues = [cue for cue in analysis.cues if trap in cue.traps and not cue.negated]
        return cue_texts(cues) or self._top_words(analysis, trap)

    def _top_words(
        self, analysis: _Analysis, trap: str, limit: int = 2
    ) -> tuple[str, ...]:
        estimator = self._model.estimators_[TRAP_NAMES.index(trap)]
        vocabulary = self._features.words.vocabulary_
        start = self._features.vector_size
        weights = estimator.coef_[0][start : start + len(vocabulary)]
        present = {
            gram
            for gram in _ngrams(analysis.lemmas, (1, 1))
            if gram in vocabulary and gram not in _UNINFORMATIVE
        }
        # Sorted by weight, then alphabetically, so ties never depend on hashing.
        ranked = sorted(present, key=lambda gram: (-weights[vocabulary[gram]], gram))
        best = [gram for gram in ranked if weights[vocabulary[gram]] > 0][:limit]
        return tuple(_surface_forms(analysis, best))


def _surface_forms(analysis: _Analysis, lemmas: Sequence[str]) -> list[str]:
    """Map lemmas back to the words as the patient wrote them."""
    _, doc = analyse(analysis.original)
    forms = []
    for lemma in lemmas:
        for token in doc:
            if token.lemma_.lower() == lemma:
                forms.append(analysis.original[token.idx : token.idx + len(token)])
                break
    return forms


def _label_matrix(examples: Sequence[Example]) -> np.ndarray:
    labels = np.zeros((len(examples), len(TRAP_NAMES)), dtype=int)
    for row, example in enumerate(examples):
        for trap in example.traps:
            labels[row, TRAP_NAMES.index(trap)] = 1
    missing = [
        name
        for name, count in zip(TRAP_NAMES, labels.sum(axis=0), strict=True)
        if count == 0
    ]
    if missing:
        raise ValueError(f"no training examples for trap(s) {missing}")
    return labels


def _fit(
    matrix: sparse.csr_matrix, labels: np.ndarray, config: DetectorConfig
) -> OneVsRestClassifier:
    model = OneVsRestClassifier(
        LogisticRegression(
            C=config.regularization,
            class_weight="balanced",
            solver="liblinear",
            random_state=config.random_state,
        )
    )
    return model.fit(matrix, labels)


def out_of_fold_probabilities(
    matrix: sparse.csr_matrix, labels: np.ndarray, config: DetectorConfig
) -> np.ndarray:
    """Probabilities for each example from a model that did not see its labels."""
    folds = KFold(config.folds, shuffle=True, random_state=config.random_state)
    probabilities = np.zeros(labels.shape)
    for train_rows, held_out in folds.split(matrix):
        model = _fit(matrix[train_rows], labels[train_rows], config)
        probabilities[held_out] = model.predict_proba(matrix[held_out])
    return probabilities


def _choose_thresholds(
    matrix: sparse.csr_matrix, labels: np.ndarray, config: DetectorConfig
) -> dict[str, float]:
    """Per trap, the threshold with the best out-of-fold F1 (ties: the higher)."""
    probabilities = out_of_fold_probabilities(matrix, labels, config)
    grid = np.arange(config.min_threshold, config.max_threshold + 1e-9, 0.025)
    thresholds = {}
    for column, name in enumerate(TRAP_NAMES):
        gold = labels[:, column] == 1
        best = max(grid, key=lambda t: (_f1(gold, probabilities[:, column] >= t), t))
        thresholds[name] = round(float(best), 3)
    return thresholds


def _f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    true_positives = int(np.sum(gold & predicted))
    denominator = int(np.sum(gold)) + int(np.sum(predicted))
    return 2 * true_positives / denominator if denominator else 0.0


_LOAD_LOCK = Lock()


def _load_default() -> TrapDetector:
    # Callers arriving while it trains wait for that one instead of training again.
    with _LOAD_LOCK:
        return _trained_default()


@lru_cache(maxsize=1)
def _trained_default() -> TrapDetector:
    return TrapDetector.train(read_training_examples())
