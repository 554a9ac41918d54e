"""A request to skip, go back, pause or get help, read by meaning.

The control matcher (:func:`bot.reflection.understanding.match_control`) knows
phrases; patients in new voices word the same requests in ways no list holds
("Give that one a miss would you", "next na lang po", "Can I have another go
at the previous question"). This reader embeds the message with the shared
encoder, and a multinomial logistic regression over labelled answers, mid-form
questions and control phrases in many voices gives the probability of each
request. :mod:`bot.reflection.understanding` decides what to do with it: a
pause is only ever asked about; the other requests are acted on when the
reader is very sure (:data:`ACT_THRESHOLD`) and asked about when it is fairly
sure (:data:`ASK_THRESHOLD`), so a request in new wording is not taken for an
answer and an answer is rarely taken for a request.

Fitted on the reflection corpus (the voice sets in ``eval/reflection`` listed
in :data:`CORPUS_DIRS`, phrases marked ambiguous left out) and saved to
``data/control_meaning.npz`` with the corpus digest (a test checks it is
current). ``python -m bot.reflection.control_meaning lovo`` reports
leave-one-voice-out figures at both thresholds.

    python -m bot.reflection.control_meaning build
"""

from __future__ import annotations

import json
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.encoder import SentenceEncoder, fitted_digest

logger = logging.getLogger(__name__)

_EVAL = Path(__file__).resolve().parents[2] / "eval" / "reflection"
CORPUS_DIRS = tuple(
    _EVAL / name for name in ("answers", "fresh", "fresh2", "fresh3", "fresh4")
)
ARTIFACT = Path(__file__).resolve().parent / "data" / "control_meaning.npz"
ANSWER = "answer"
# The corpus's control labels, folded into what the reflection can do.
_REQUEST = {
    "pause": "pause",
    "stop": "pause",
    "skip": "skip",
    "back": "back",
    "dont_know": "dont_know",
    "help": "help",
    "resume": "resume",
}
# A pause is asked about from PAUSE_ASK_THRESHOLD and never acted on; other
# requests are asked about from ASK_THRESHOLD and acted on from ACT_THRESHOLD
# (leave one voice out, 16 voices: acting from 0.9 gets 0.62 of skips, backs,
# "I don't know"s and helps right and acts on 2 of 2,118 answers; asking from
# 0.6 catches 0.17 more and asks about 16 answers; from 0.5, 0.22 and 31).
PAUSE_ASK_THRESHOLD = 0.7
ASK_THRESHOLD = 0.6
ACT_THRESHOLD = 0.9
ACT, ASK = "act", "ask"
_C = 16.0


@dataclass(frozen=True)
class Reading:
    """The likeliest request and how sure the reader is of it."""

    request: str
    probability: float

    @property
    def decision(self) -> str | None:
        """:data:`ACT`, :data:`ASK` or ``None`` (the message is the answer)."""
        return decide(self.request, self.probability)


def corpus_files() -> list[Path]:
    return [path for folder in CORPUS_DIRS for path in sorted(folder.glob("*.jsonl"))]


def corpus_digest() -> str:
    return fitted_digest(corpus_files())


def examples() -> list[tuple[str, str, str]]:
    """(voice, text, label): a request name, or ``answer`` for anything else."""
    labelled = []
    for path in corpus_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            slot = record.get("slot")
            if slot == "yes_no":
                continue  # replies to a yes/no question, read by read_yes_no
            if slot == "control":
                if record.get("ambiguous"):
                    continue  # could be either; the matcher asks about these
                label = _REQUEST[record["control"]]
            else:
                label = ANSWER  # answers, and questions asked mid-form
            labelled.append((path.stem, record["text"], label))
    return labelled


def _fit(vectors: np.ndarray, labels: list[str]):  # noqa: ANN202
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=_C, max_iter=4000, class_weight="balanced")
    return model.fit(vectors, labels)


def build(path: Path = ARTIFACT) -> dict:
    labelled = examples()
    vectors = SentenceEncoder(cache_size=10_000).encode([t for _, t, _ in labelled])
    model = _fit(vectors, [label for _, _, label in labelled])
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        digest=np.array(corpus_digest()),
        weights=model.coef_.astype(np.float32),
        bias=model.intercept_.astype(np.float32),
        classes=np.array(model.classes_),
    )
    counts: dict[str, int] = defaultdict(int)
    for _, _, label in labelled:
        counts[label] += 1
    return {"examples": len(labelled), "per_class": dict(sorted(counts.items()))}


def leave_one_voice_out() -> str:
    """Per held-out voice: requests acted on or asked about, answers misread.

    A request counts as acted on or asked about when the reader names the
    right request and :func:`decide` acts on it or asks (pauses and stops are
    only ever asked). "Answers acted on" are real answers the reader would
    have taken for a request; "asked" are real answers it would ask about.
    """
    labelled = examples()
    vectors = SentenceEncoder(cache_size=10_000).encode([t for _, t, _ in labelled])
    voices = sorted({voice for voice, _, _ in labelled})
    header = ("voice", "requests acted", "asked", "answers acted on", "asked")
    rows = ["{:<20} {:>15} {:>7} {:>17} {:>7}".format(*header)]
    totals = defaultdict(int)
    for held_out in voices:
        train = [i for i, (v, _, _) in enumerate(labelled) if v != held_out]
        test = [i for i, (v, _, _) in enumerate(labelled) if v == held_out]
        model = _fit(vectors[train], [labelled[i][2] for i in train])
        probabilities = model.predict_proba(vectors[test])
        tally = defaultdict(int)
        for i, row in zip(test, probabilities, strict=True):
            truth = labelled[i][2]
            best = int(np.argmax(row))
            guess, p = model.classes_[best], float(row[best])
            decision = decide(guess, p)
            if truth == ANSWER:
                tally["answers"] += 1
                tally["lost"] += decision == ACT
                tally["answers_asked"] += decision == ASK
                continue
            tally["requests"] += 1
            if guess == truth and decision is not None:
                tally["acted" if decision == ACT else "asked"] += 1
        for key, value in tally.items():
            totals[key] += value
        rows.append(_row(held_out, tally))
    rows.append(_row("all", totals))
    return "\n".join(rows)


def decide(request: str, probability: float) -> str | None:
    """Act on, ask about, or keep as the answer a reading of ``request``."""
    if request in (ANSWER, "resume"):
        return None  # inside the form "resume" is an answer too
    if request == "pause":
        return ASK if probability >= PAUSE_ASK_THRESHOLD else None
    if probability >= ACT_THRESHOLD:
        return ACT
    return ASK if probability >= ASK_THRESHOLD else None


def _row(name: str, tally: dict[str, int]) -> str:
    requests = max(tally["requests"], 1)
    acted = f"{tally['acted'] / requests:.3f}"
    asked = f"{tally['asked'] / requests:.3f}"
    lost = f"{tally['lost']}/{tally['answers']}"
    answers_asked = str(tally["answers_asked"])
    return f"{name:<20} {acted:>15} {asked:>7} {lost:>17} {answers_asked:>7}"


class ControlMeaning:
    """The fitted regression over the shared encoder's sentence vectors."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, classes: list[str]):
        self._weights = weights
        self._bias = bias
        self._classes = classes
        self._encoder = SentenceEncoder.shared()

    @classmethod
    def load(cls) -> ControlMeaning:
        return _shared()

    def read(self, text: str) -> Reading:
        logits = self._encoder.encode([text])[0] @ self._weights.T + self._bias
        weights = np.exp(logits - logits.max())
        probabilities = weights / weights.sum()
        best = int(np.argmax(probabilities))
        return Reading(self._classes[best], float(probabilities[best]))


@lru_cache(maxsize=1)
def _shared() -> ControlMeaning:
    data = np.load(ARTIFACT, allow_pickle=False)
    classes = [str(c) for c in data["classes"]]
    return ControlMeaning(data["weights"], data["bias"], classes)


def read_request(text: str) -> Reading | None:
    """The request ``text`` most likely makes; ``None`` for an answer or a failure."""
    if not text or not text.strip():
        return None
    try:
        reading = ControlMeaning.load().read(text)
    except Exception as exc:  # noqa: BLE001 - an answer is never lost to this
        logger.error("control reader unavailable (%s)", type(exc).__name__)
        return None
    return None if reading.request == ANSWER else reading


if __name__ == "__main__":
    command = sys.argv[1:]
    if command == ["build"]:
        print(json.dumps(build(), indent=2))
    elif command == ["lovo"]:
        print(leave_one_voice_out())
    else:
        sys.exit("usage: python -m bot.reflection.control_meaning build|lovo")
