"""The semantic layer of the crisis detector: sentence embeddings read with the lexicon.

The lexicon recognises the phrasings its authors wrote; this layer recognises
what a message *means*, in wordings nobody here wrote. Each message is split
into units (each sentence, and runs of sentences up to about 40 words, so one
line in a long journal is not diluted), every unit is embedded with the shared
encoder (:mod:`bot.encoder`), joined to what the lexicon saw in the message
(:mod:`bot.safety.lexical_features`), and read by RBF support-vector heads:

- the **risk head** gives the probability that the unit carries risk at all;
- three **level heads**, fitted on risk examples only, decide whether its
  C-SSRS level is at least moderate, at least high, imminent; the level is
  low plus one for each head that says yes.

The unit with the highest risk decides. With conversation context, the last
earlier message is read together with this one, and counts only for what this
message *adds* to it ("tonight" after "I've saved up my pills").

The heads are fitted by :func:`build` on the labelled corpus in
``bot/safety/data`` (the first hand-written corpus plus one file per voice in
``voices/``, each written by a different session in one voice) and saved to
``semantic.npz`` with the digest of the corpus and the lexicon (whose
readings are features); loading checks the digest, so the
artifact can never silently lag the data. Thresholds are chosen by
leave-one-voice-out cross-validation (:func:`cross_validate`): ``fire`` for a
verdict, and a lower ``ask`` band where the bot asks one direct question.

    python -m bot.safety.semantic build     # refit and save semantic.npz
    python -m bot.safety.semantic cv        # leave-one-voice-out figures
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.encoder import SentenceEncoder, fitted_digest
from bot.reflection.control_meaning import CORPUS_DIRS
from bot.safety.lexical_features import FEATURE_NAMES
from bot.safety.verdict import Level

if TYPE_CHECKING:
    from bot.safety.detector import CrisisDetector

DATA_DIR = Path(__file__).resolve().parent / "data"
VOICES_DIR = DATA_DIR / "voices"
ARTIFACT = DATA_DIR / "semantic.npz"
BASE_CORPUS = ("train", "dev")  # the first corpus: one writer, treated as one voice
# Everyday messages: the bot's NLU examples, none of them crisis language
# (get_help and retract excepted). Without them, "how's it going" read as risk.
NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
_NOT_EVERYDAY = ("get_help", "retract")
UNIT_WORDS = 40  # a run of sentences is cut at about this many words
SENTENCE_UNITS_MAX = 0  # sentences alone over-fire; runs of sentences suffice
NEIGHBOURS = 3
CONTEXT_MARGIN = 0.15  # what the message must add to its context's own risk
_LEVELS = (Level.LOW, Level.MODERATE, Level.HIGH, Level.IMMINENT)
_SENTENCE = re.compile(r"[^.!?\n;…]+(?:[.!?…;]+|\n+|$)")
_C = 4.0


@dataclass(frozen=True)
class Unit:
    text: str
    start: int
    end: int


def split_units(text: str) -> list[Unit]:
    """Sentences (when few) and runs of sentences of up to ``UNIT_WORDS`` words."""
    sentences = [
        Unit(m.group().strip(), m.start(), m.end())
        for m in _SENTENCE.finditer(text)
        if m.group().strip()
    ]
    if not sentences:
        return [Unit(text, 0, len(text))] if text.strip() else []
    units: list[Unit] = []
    if len(sentences) <= SENTENCE_UNITS_MAX:
        units.extend(sentences)
    run: list[Unit] = []
    words = 0
    for sentence in sentences:
        count = len(sentence.text.split())
        if run and words + count > UNIT_WORDS:
            units.append(_join(text, run))
            run, words = [], 0
        run.append(sentence)
        words += count
    if run:
        units.append(_join(text, run))
    unique: dict[tuple[int, int], Unit] = {(u.start, u.end): u for u in units}
    return list(unique.values())


def _join(text: str, run: list[Unit]) -> Unit:
    start, end = run[0].start, run[-1].end
    return Unit(text[start:end].strip(), start, end)


# -- the corpus ------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    id: str
    text: str  # with its context, when it has one
    level: Level
    category: str | None
    voice: str
    message: str  # the message alone
    context: tuple[str, ...] = ()
    reflection: bool = False  # an answer from the reflection corpus: never risk


def _read(path: Path) -> list[dict]:
    return [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _reflection_files() -> list[Path]:
    """Answers patients give inside the reflection: the control reader's corpus
    (many voices, no crisis content; eval/reflection/fresh5 and later stay out,
    to measure false flags in a form)."""
    return [p for folder in CORPUS_DIRS for p in sorted(folder.glob("*.jsonl"))]


def corpus_files() -> list[Path]:
    return (
        [DATA_DIR / f"{name}.jsonl" for name in BASE_CORPUS]
        + sorted(VOICES_DIR.glob("*.jsonl"))
        + sorted(NLU_DIR.glob("*.yml"))
        + _reflection_files()
    )


_RISK_ADJACENT_SLOTS = ("thought", "evidence_for", "therapy_note")


def _reflection_answers(path: Path, lexicon: CrisisDetector) -> list[Example]:
    """The messages of a reflection voice set: answers, requests, questions.

    The negative thought itself, the evidence for it and the note for the
    therapist are left out, and so is anything the lexicon flags: there the
    patient's words can carry risk ("that I am a burden to my wife"), and a
    negative must never teach the heads to miss it. ``lexicon`` is a detector
    without the semantic layer.
    """
    return [
        Example(
            f"reflection:{record['id']}",
            record["text"],
            Level.NONE,
            None,
            path.stem,
            record["text"],
            reflection=True,
        )  # fmt: skip
        for record in _read(path)
        if isinstance(record.get("text"), str)
        and record["text"].strip()
        and record.get("slot") not in _RISK_ADJACENT_SLOTS
        and lexicon.scan(record["text"]).level == Level.NONE
    ]


def _everyday(path: Path) -> list[Example]:
    import yaml

    examples = []
    for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        intent = str(item.get("intent", ""))
        if not intent or intent.split("/")[0] in _NOT_EVERYDAY:
            continue
        for n, line in enumerate(str(item.get("examples", "")).splitlines()):
            text = line.strip().removeprefix("- ").strip()
            if text:
                examples.append(
                    Example(f"nlu:{intent}:{n}", text, Level.NONE, None, "nlu", text)
                )
    return examples


LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"


def corpus_digest() -> str:
    """The encoder, the corpus and the lexicon whose readings are features."""
    paths = [*corpus_files(), *sorted(LEXICON_DIR.glob("*.yml"))]
    return fitted_digest(paths, *FEATURE_NAMES)


def load_examples() -> list[Example]:
    from bot.safety.detector import CrisisDetector  # it imports this module

    examples = []
    reflection = set(_reflection_files())
    lexicon = CrisisDetector(semantic=False)
    for path in corpus_files():
        if path.suffix == ".yml":
            examples.extend(_everyday(path))
            continue
        if path in reflection:
            examples.extend(_reflection_answers(path, lexicon))
            continue
        voice = "project" if path.parent == DATA_DIR else path.stem
        for record in _read(path):
            context = [c for c in record.get("context") or () if isinstance(c, str)]
            text = " ".join([*context[-1:], record["text"]])
            level = Level.parse(record["level"])
            examples.append(
                Example(
                    record["id"], text, level, record.get("category"), voice,
                    record["text"], tuple(context),
                )  # fmt: skip
            )
    return examples


# The lexicon's binary features sit beside the unit-length embedding at this
# scale: one differing feature moves a row about as far as a small change of
# meaning (leave-one-voice-out AUC 0.948 with none, 0.960 at 0.3).
LEXICAL_WEIGHT = 0.3


def joined(vectors: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Embedding rows, each followed by the message's weighted lexical features."""
    lexical = np.broadcast_to(LEXICAL_WEIGHT * lexical, (len(vectors), len(lexical)))
    return np.hstack([vectors, lexical]).astype(np.float32)


def read_lexicon(examples: Sequence[Example]) -> list[np.ndarray]:
    """Each example's lexical features, read by a lexicon-only detector."""
    from bot.safety.detector import CrisisDetector

    detector = CrisisDetector(semantic=False)
    return [detector.lexical_features(e.message, e.context) for e in examples]


def _training_rows(
    examples: Sequence[Example],
    lexical: Sequence[np.ndarray],
    encoder: SentenceEncoder,
) -> tuple[np.ndarray, np.ndarray]:
    """Training rows (unit embedding and lexical features) and their levels.

    A message is scored by its riskiest unit, so units are what the heads
    learn: each unit of a risk-free message is a negative, and a long risk
    message contributes only its riskiest unit (chosen by a risk head fitted
    on the single-unit messages first). Labelling a whole long journal as risk
    would teach the heads that long, chatty text is risk.
    """
    rows: list[np.ndarray] = []
    levels: list[int] = []
    multi: list[tuple[np.ndarray, int]] = []
    for example, features in zip(examples, lexical, strict=True):
        units = [u.text for u in split_units(example.text)] or [example.text]
        unit_rows = joined(encoder.encode(units), features)
        if len(units) == 1 or example.level == Level.NONE:
            rows.extend(unit_rows)
            levels.extend([int(example.level)] * len(units))
        else:
            multi.append((unit_rows, int(example.level)))
    if multi:
        single = np.array(rows)
        first = _fit_kernel(single, np.array(levels) > 0, _gamma(single))
        for unit_rows, level in multi:
            rows.append(unit_rows[int(np.argmax(first.decision(unit_rows)))])
            levels.append(level)
    return np.array(rows, dtype=np.float32), np.array(levels)


# -- the heads -------------------------------------------------------------------


@dataclass
class Kernel:
    """One fitted RBF support-vector machine, with Platt scaling when fitted."""

    support: np.ndarray  # (n_support, width)
    dual: np.ndarray  # (n_support,)
    intercept: float
    gamma: float
    platt: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        # Fixed per kernel: computed once, not on every message.
        self._support_norms = (self.support * self.support).sum(axis=1)

    def decision(self, rows: np.ndarray) -> np.ndarray:
        distances = (
            (rows * rows).sum(axis=1)[:, None]
            + self._support_norms[None, :]
            - 2.0 * rows @ self.support.T
        )
        return np.exp(-self.gamma * np.maximum(distances, 0.0)) @ self.dual + (
            self.intercept
        )

    def probability(self, rows: np.ndarray) -> np.ndarray:
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(a * self.decision(rows) + b))

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        return {
            f"{name}_support": self.support.astype(np.float16),
            f"{name}_dual": self.dual.astype(np.float32),
            f"{name}_scalars": np.array([self.intercept, self.gamma, *self.platt]),
        }

    @classmethod
    def from_arrays(cls, data, name: str) -> Kernel:
        intercept, gamma, a, b = (float(x) for x in data[f"{name}_scalars"])
        return cls(
            data[f"{name}_support"].astype(np.float32),
            data[f"{name}_dual"].astype(np.float32),
            intercept,
            gamma,
            (a, b),
        )


def _gamma(rows: np.ndarray) -> float:
    """scikit-learn's "scale" over the embedding part of the rows."""
    embedding = rows[:, : rows.shape[1] - len(FEATURE_NAMES)]
    return 1.0 / (embedding.shape[1] * float(embedding.var()))


def _fit_kernel(
    rows: np.ndarray, labels: np.ndarray, gamma: float, probability: bool = False
) -> Kernel:
    from sklearn.svm import SVC

    labels = labels.astype(int)
    if len(set(labels.tolist())) < 2:
        raise ValueError("a head needs examples on both sides")
    svm = SVC(
        C=_C, kernel="rbf", gamma=gamma, probability=probability,
        class_weight="balanced", random_state=0,
    )  # fmt: skip
    svm.fit(rows, labels)
    # scikit-learn's decision function is positive for classes_[1].
    platt = (float(svm.probA_[0]), float(svm.probB_[0])) if probability else (0.0, 0.0)
    return Kernel(
        svm.support_vectors_.astype(np.float32),
        svm.dual_coef_[0].astype(np.float32),
        float(svm.intercept_[0]),
        gamma,
        platt,
    )


_HEAD_NAMES = ("risk", "moderate", "high", "imminent")


@dataclass
class Heads:
    """The risk head (with Platt scaling) and the three "at least" level heads.

    A linear head on these embeddings cannot tell "this commute is killing me"
    from risk, nor an urgent message from a moderate one; RBF kernels over the
    labelled examples can (leave-one-voice-out, urgent messages scored urgent:
    0.63 with a linear level head, 0.67 with these, at the same threshold).
    """

    risk_head: Kernel
    at_least: tuple[Kernel, Kernel, Kernel]  # moderate, high, imminent

    def risk(self, rows: np.ndarray) -> np.ndarray:
        return self.risk_head.probability(rows)

    def level(self, rows: np.ndarray) -> np.ndarray:
        """Level index into ``_LEVELS`` (0 = low) per row."""
        return sum((head.decision(rows) > 0).astype(int) for head in self.at_least)

    def arrays(self) -> dict[str, np.ndarray]:
        kernels = (self.risk_head, *self.at_least)
        return {
            key: value
            for name, kernel in zip(_HEAD_NAMES, kernels, strict=True)
            for key, value in kernel.arrays(name).items()
        }

    @classmethod
    def from_arrays(cls, data) -> Heads:
        risk, *at_least = (Kernel.from_arrays(data, name) for name in _HEAD_NAMES)
        return cls(risk, tuple(at_least))


def fit_heads(rows: np.ndarray, levels: np.ndarray) -> Heads:
    gamma = _gamma(rows)
    risky = levels > 0
    risk = _fit_kernel(rows, risky, gamma, probability=True)
    at_least = tuple(
        _fit_kernel(rows[risky], levels[risky] >= int(level), gamma)
        for level in (Level.MODERATE, Level.HIGH, Level.IMMINENT)
    )
    return Heads(risk, at_least)


# -- scoring ---------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """The semantic reading of one message."""

    probability: float
    level: Level
    category: str
    start: int
    end: int
    neighbours: tuple[str, ...]
    from_context: bool = False


class SemanticRisk:
    """Loaded heads plus the labelled examples, for scoring and neighbours."""

    def __init__(
        self,
        heads: Heads,
        fire: float,
        ask: float,
        example_vectors: np.ndarray,
        example_ids: Sequence[str],
        example_categories: Sequence[str],
        encoder: SentenceEncoder | None = None,
    ) -> None:
        self.heads = heads
        self.fire = fire
        self.ask = ask
        self._examples = example_vectors.astype(np.float32)
        self._ids = list(example_ids)
        self._categories = list(example_categories)
        self._encoder = encoder or SentenceEncoder.shared()

    @classmethod
    def load(cls) -> SemanticRisk:
        return _shared()

    def assess(
        self, text: str, context: Sequence[str], lexical: np.ndarray
    ) -> Finding | None:
        """Read ``text`` (with its ``context``) and what the lexicon saw in it."""
        units = split_units(text)
        if not units:
            return None
        previous = next((c for c in reversed(context) if c.strip()), None)
        texts = [u.text for u in units]
        if previous is not None:
            texts += [previous, f"{previous} {text}"]
        vectors = self._encoder.encode(texts)
        rows = joined(vectors, lexical)
        risk = self.heads.risk(rows)
        best = int(np.argmax(risk[: len(units)]))
        chosen, probability, from_context = best, float(risk[best]), False
        if previous is not None:
            alone, joint = float(risk[-2]), float(risk[-1])
            if joint > probability and joint - alone >= CONTEXT_MARGIN:
                chosen, probability, from_context = len(texts) - 1, joint, True
        level = _LEVELS[int(self.heads.level(rows[chosen : chosen + 1])[0])]
        unit = units[best] if not from_context else Unit(text, 0, len(text))
        similarity = self._examples @ vectors[chosen]
        nearest = np.argsort(-similarity)[:NEIGHBOURS]
        categories = [self._categories[i] for i in nearest]
        return Finding(
            probability,
            level,
            max(categories, key=categories.count),
            unit.start,
            unit.end,
            tuple(self._ids[i] for i in nearest),
            from_context,
        )


def build(path: Path = ARTIFACT) -> dict:
    """Fit the heads on the whole corpus, choose thresholds by CV, and save."""
    examples = load_examples()
    encoder = _build_encoder()
    lexical = read_lexicon(examples)
    cv = cross_validate(examples, encoder, lexical)
    rows, levels = _training_rows(examples, lexical, encoder)
    heads = fit_heads(rows, levels)
    risky = [i for i, e in enumerate(examples) if e.level > Level.NONE]
    example_vectors = encoder.encode([examples[i].text for i in risky])
    np.savez_compressed(
        path,
        digest=np.array(corpus_digest()),
        **heads.arrays(),
        fire=np.array(cv["fire"]),
        ask=np.array(cv["ask"]),
        example_vectors=example_vectors.astype(np.float16),
        example_ids=np.array([examples[i].id for i in risky]),
        example_categories=np.array([str(examples[i].category) for i in risky]),
    )
    cv["corpus"] = {"examples": len(examples), "training_rows": len(levels)}
    return cv


def _build_encoder() -> SentenceEncoder:
    """An encoder whose cache holds the whole corpus (folds re-read it)."""
    return SentenceEncoder(cache_size=100_000)


@lru_cache(maxsize=1)
def _shared() -> SemanticRisk:
    data = np.load(ARTIFACT, allow_pickle=False)
    if str(data["digest"]) != corpus_digest():
        raise RuntimeError(
            "bot/safety/data/semantic.npz is stale: run python -m bot.safety.semantic build"
        )
    return SemanticRisk(
        Heads.from_arrays(data),
        float(data["fire"]),
        float(data["ask"]),
        data["example_vectors"].astype(np.float32),
        [str(i) for i in data["example_ids"]],
        [str(c) for c in data["example_categories"]],
    )


# -- leave-one-voice-out ---------------------------------------------------------

# The thresholds aim at these on the hard negatives of voices the heads never
# saw: a verdict above the 93rd percentile, a direct question from the 91st.
# A missed urgent message costs more than a kind question or an early screener,
# so the verdict threshold sits lower than the first layer's (0.95): left one
# voice out, urgent caught as urgent 0.77 -> 0.81 for specificity 0.92 -> 0.90.
FIRE_SPECIFICITY = 0.93
ASK_SPECIFICITY = 0.91


def _unit_scores(
    encoder: SentenceEncoder,
    heads: Heads,
    examples: Sequence[Example],
    lexical: Sequence[np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Best-unit risk and that unit's level index, per example."""
    best_risk, best_level = [], []
    for example, features in zip(examples, lexical, strict=True):
        units = [u.text for u in split_units(example.text)] or [example.text]
        rows = joined(encoder.encode(units), features)
        risk = heads.risk(rows)
        j = int(np.argmax(risk))
        best_risk.append(float(risk[j]))
        best_level.append(int(heads.level(rows[j : j + 1])[0]))
    return np.array(best_risk), np.array(best_level)


def held_out_voices(examples: Sequence[Example]) -> list[str]:
    """The crisis voice sets; a voice's reflection answers leave with it."""
    crisis = {e.voice for e in examples if not e.reflection}
    return sorted(crisis - {"project", "nlu"})


def fold_heads(
    examples: Sequence[Example],
    encoder: SentenceEncoder,
    lexical: Sequence[np.ndarray],
) -> dict[str, Heads]:
    """For each voice, heads fitted on every other voice (and the base corpus)."""
    folds = {}
    for voice in held_out_voices(examples):
        keep = [i for i, e in enumerate(examples) if e.voice != voice]
        folds[voice] = fit_heads(
            *_training_rows(
                [examples[i] for i in keep], [lexical[i] for i in keep], encoder
            )
        )
    return folds


def cross_validate(
    examples: Sequence[Example] | None = None,
    encoder: SentenceEncoder | None = None,
    lexical: Sequence[np.ndarray] | None = None,
) -> dict:
    """Hold out each voice in turn; pick ``fire`` and ``ask`` on the pooled scores."""
    examples = list(examples or load_examples())
    encoder = encoder or _build_encoder()
    lexical = list(lexical or read_lexicon(examples))
    scores: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for voice, heads in fold_heads(examples, encoder, lexical).items():
        # Thresholds come from the crisis sets' hard negatives alone: the
        # reflection answers are easier, and would lower them.
        test = [
            i for i, e in enumerate(examples) if e.voice == voice and not e.reflection
        ]
        risk, level = _unit_scores(
            encoder, heads, [examples[i] for i in test], [lexical[i] for i in test]
        )
        scores[voice] = (risk, level, np.array([int(examples[i].level) for i in test]))
    risk = np.concatenate([s[0] for s in scores.values()])
    gold = np.concatenate([s[2] for s in scores.values()])
    fire = _threshold_for_specificity(risk, gold, FIRE_SPECIFICITY)
    ask = min(fire, _threshold_for_specificity(risk, gold, ASK_SPECIFICITY))
    per_voice = {
        voice: _figures(r, lv + 1, g, fire, ask) for voice, (r, lv, g) in scores.items()
    }
    return {"fire": fire, "ask": ask, "voices": per_voice}


def _threshold_for_specificity(risk: np.ndarray, gold: np.ndarray, target: float):
    negatives = np.sort(risk[gold == 0])
    index = min(len(negatives) - 1, int(np.ceil(target * len(negatives))) - 1)
    return float(negatives[max(index, 0)]) + 1e-6


def _figures(risk, level, gold, fire, ask) -> dict:
    predicted = np.where(risk >= fire, level, np.where(risk >= ask, 1, 0))
    positive, urgent = gold > 0, gold >= 3
    return {
        "n": int(len(gold)),
        "sensitivity": round(float((predicted[positive] > 0).mean()), 3),
        "urgent_sensitivity": round(float((predicted[urgent] >= 3).mean()), 3)
        if urgent.any()
        else None,
        "specificity": round(float((predicted[~positive] == 0).mean()), 3),
        "asked": round(float(((risk >= ask) & (risk < fire)).mean()), 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.safety.semantic")
    parser.add_argument("command", choices=("build", "cv"))
    args = parser.parse_args(argv)
    result = build() if args.command == "build" else cross_validate()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
