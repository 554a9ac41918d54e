"""A wish to pause, read by meaning where the control matcher knows no phrase.

The control matcher (:func:`bot.reflection.understanding.match_control`) acts
only on phrases it knows; patients in new voices word a pause in ways no list
holds ("Kindly end the session", "hold on, one minute"). This reader embeds
the message with the shared encoder and a logistic regression over labelled
answers and control phrases in many voices gives the probability that it asks
to pause or stop. Above :data:`THRESHOLD` the reflection *asks* ("Would you
like to pause here?"); it never pauses on meaning alone.

Fitted on the reflection corpus (``eval/reflection/answers`` and
``eval/reflection/fresh``) and saved to ``data/pause_meaning.npz`` with the
corpus digest (a test checks it is current). Left one voice out (nine voices),
at 0.7 it finds 59 of 70 pause or stop phrasings and asks after 2 of 1,209
real answers.

    python -m bot.reflection.pause_meaning build
"""

from __future__ import annotations

import json
import logging
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.encoder import SentenceEncoder, fitted_digest

logger = logging.getLogger(__name__)

_EVAL = Path(__file__).resolve().parents[2] / "eval" / "reflection"
CORPUS_DIRS = (_EVAL / "answers", _EVAL / "fresh")
ARTIFACT = Path(__file__).resolve().parent / "data" / "pause_meaning.npz"
THRESHOLD = 0.7
_PAUSE = ("pause", "stop")
_NOT_ANSWERS = ("question", "yes_no")


def corpus_files() -> list[Path]:
    return [path for folder in CORPUS_DIRS for path in sorted(folder.glob("*.jsonl"))]


def corpus_digest() -> str:
    return fitted_digest(corpus_files())


def examples() -> list[tuple[str, str]]:
    """(text, label) with label ``pause``, ``control`` or ``answer``."""
    labelled = []
    for path in corpus_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            slot = record.get("slot")
            if slot in _NOT_ANSWERS:
                continue
            if slot == "control":
                label = "pause" if record.get("control") in _PAUSE else "control"
            else:
                label = "answer"
            labelled.append((record["text"], label))
    return labelled


def build(path: Path = ARTIFACT) -> dict:
    from sklearn.linear_model import LogisticRegression

    labelled = examples()
    vectors = SentenceEncoder(cache_size=10_000).encode([t for t, _ in labelled])
    labels = [label for _, label in labelled]
    model = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")
    model.fit(vectors, labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        digest=np.array(corpus_digest()),
        weights=model.coef_.astype(np.float32),
        bias=model.intercept_.astype(np.float32),
        classes=np.array(model.classes_),
    )
    return {"examples": len(labels), "classes": list(model.classes_)}


class PauseMeaning:
    """The fitted regression over the shared encoder's sentence vectors."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, classes: list[str]):
        self._weights = weights
        self._bias = bias
        self._pause = classes.index("pause")
        self._encoder = SentenceEncoder.shared()

    @classmethod
    def load(cls) -> PauseMeaning:
        return _shared()

    def probability(self, text: str) -> float:
        logits = self._encoder.encode([text])[0] @ self._weights.T + self._bias
        weights = np.exp(logits - logits.max())
        return float(weights[self._pause] / weights.sum())


@lru_cache(maxsize=1)
def _shared() -> PauseMeaning:
    data = np.load(ARTIFACT, allow_pickle=False)
    classes = [str(c) for c in data["classes"]]
    return PauseMeaning(data["weights"], data["bias"], classes)


def reads_as_pause(text: str) -> bool:
    """True when ``text`` most likely asks to pause; False if the reader fails."""
    if not text or not text.strip():
        return False
    try:
        return PauseMeaning.load().probability(text) >= THRESHOLD
    except Exception as exc:  # noqa: BLE001 - an answer is never lost to this
        logger.error("pause reader unavailable (%s)", type(exc).__name__)
        return False


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m bot.reflection.pause_meaning build")
    print(json.dumps(build(), indent=2))
