"""Whether a message asks to begin (or go on with) the reflection, read by meaning.

Outside a form DIET decides the intent, and it knows the openings its NLU
examples hold. A patient's polite or chatty opening ("Good afternoon. Would
you be so kind as to begin?", "ok i am ready, we start pls") is often read as
a fallback, and the patient gets "Sorry, I didn't quite follow". This reader
is a logistic regression over the shared encoder: positives are the NLU
examples of ``start_reflection`` and ``resume_reflection``; negatives are
every other NLU example and the answers, questions and requests of the
reflection voice corpus. Each sentence is read and the likeliest one counts,
so a greeting before the request does not dilute it.

:mod:`bot.reflection.understanding` consults it only when DIET did not settle
the message (fallback, inform, greeting, out of scope, chitchat) and acts from
:data:`THRESHOLD`.

    python -m bot.reflection.start_meaning build   # refit data/start_meaning.npz
    python -m bot.reflection.start_meaning report  # what it reads on a fresh set
"""

from __future__ import annotations

import json
import logging
import re
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from bot.encoder import SentenceEncoder, fitted_digest
from bot.reflection.control_meaning import CORPUS_DIRS

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
ARTIFACT = Path(__file__).resolve().parent / "data" / "start_meaning.npz"
START_INTENTS = ("start_reflection", "resume_reflection")
THRESHOLD = 0.8
_C = 4.0
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def _nlu_files() -> list[Path]:
    return sorted(NLU_DIR.glob("*.yml"))


def _corpus_files() -> list[Path]:
    return [path for folder in CORPUS_DIRS for path in sorted(folder.glob("*.jsonl"))]


def corpus_digest() -> str:
    return fitted_digest([*_nlu_files(), *_corpus_files()])


def _nlu_examples() -> list[tuple[str, bool]]:
    labelled = []
    for path in _nlu_files():
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
            "nlu", []
        ):
            intent = str(block.get("intent", "")).split("/")[0]
            if not intent:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line.strip()[2:])
                if line.strip().startswith("- ") and text:
                    labelled.append((text, intent in START_INTENTS))
    return labelled


def examples() -> list[tuple[str, bool]]:
    """(text, asks to begin or go on)."""
    labelled = _nlu_examples()
    for path in _corpus_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("slot") in ("start", "yes_no"):
                continue
            if record.get("control") == "resume":
                continue  # "carry on" is a request to go on too
            labelled.append((record["text"], False))
    return labelled


def build(path: Path = ARTIFACT) -> dict:
    from sklearn.linear_model import LogisticRegression

    labelled = examples()
    vectors = SentenceEncoder(cache_size=10_000).encode([t for t, _ in labelled])
    labels = [positive for _, positive in labelled]
    model = LogisticRegression(C=_C, max_iter=4000, class_weight="balanced")
    model.fit(vectors, labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        digest=np.array(corpus_digest()),
        weights=model.coef_[0].astype(np.float32),
        bias=np.float32(model.intercept_[0]),
    )
    return {"examples": len(labels), "positive": int(sum(labels))}


def sentences(text: str) -> list[str]:
    found = [s.strip() for s in _SENTENCE.findall(text or "") if s.strip()]
    return found or [text]


class StartMeaning:
    """The fitted regression over the shared encoder's sentence vectors."""

    def __init__(self, weights: np.ndarray, bias: float):
        self._weights = weights
        self._bias = bias
        self._encoder = SentenceEncoder.shared()

    def probability(self, text: str) -> float:
        """The likeliest sentence's probability of asking to begin or go on."""
        logits = self._encoder.encode(sentences(text)) @ self._weights + self._bias
        return float(1 / (1 + np.exp(-logits.max())))


@lru_cache(maxsize=1)
def _shared() -> StartMeaning:
    data = np.load(ARTIFACT, allow_pickle=False)
    return StartMeaning(data["weights"], float(data["bias"]))


def asks_to_start(text: str) -> bool:
    """True when ``text`` reads as a request to begin; ``False`` on any failure."""
    if not isinstance(text, str) or not text.strip():
        return False
    try:
        return _shared().probability(text) >= THRESHOLD
    except Exception as exc:  # noqa: BLE001 - DIET's reading stands
        logger.error("start reader unavailable (%s)", type(exc).__name__)
        return False


def report(folder: Path) -> str:
    """On a fresh set: openings read as starts, and other messages that would be."""
    reader = _shared()
    starts, others = [], []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("slot") == "yes_no" or record.get("control") == "resume":
                continue
            p = reader.probability(record["text"])
            (starts if record.get("slot") == "start" else others).append(p)
    hit = sum(p >= THRESHOLD for p in starts)
    false = sum(p >= THRESHOLD for p in others)
    return (
        f"openings read as a start: {hit}/{len(starts)}\n"
        f"other messages read as a start: {false}/{len(others)}"
    )


if __name__ == "__main__":
    command = sys.argv[1:]
    if command == ["build"]:
        print(json.dumps(build(), indent=2))
    elif len(command) == 2 and command[0] == "report":
        print(report(Path(command[1])))
    else:
        sys.exit("usage: python -m bot.reflection.start_meaning build|report DIR")
