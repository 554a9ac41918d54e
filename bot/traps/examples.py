"""Labelled thoughts in JSON lines: the detector's training data and eval sets.

One object a line: ``{"id": "r001", "thought": "...", "traps": ["labeling"]}``;
an empty ``traps`` list marks a balanced or neutral thought.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.traps.catalog import TRAP_NAMES

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
EVAL_DIR = REPO_DIR / "eval" / "traps"
TRAIN_SPLIT = EVAL_DIR / "train.jsonl"
TEST_SPLIT = EVAL_DIR / "test.jsonl"
EXTRA_TRAINING = PACKAGE_DIR / "data" / "examples.jsonl"
# The test split is deliberately absent: it is held out.
TRAINING_FILES = (TRAIN_SPLIT, EXTRA_TRAINING)


@dataclass(frozen=True)
class Example:
    """One labelled thought."""

    id: str
    thought: str
    traps: tuple[str, ...]


def read_examples(path: Path) -> list[Example]:
    """Read and check a JSON-lines file of labelled thoughts.

    Raises:
        ValueError: a line is not a well-formed example; the message names
            the file and line number.
    """
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                examples.append(_parse(json.loads(line)))
            except (ValueError, TypeError, KeyError) as error:
                raise ValueError(f"{path.name}:{number}: {error}") from None
    return examples


def read_training_examples() -> list[Example]:
    """All training examples: the eval train split plus ``bot/traps/data``."""
    return [example for path in TRAINING_FILES for example in read_examples(path)]


def _parse(raw: object) -> Example:
    if not isinstance(raw, dict):
        raise ValueError("expected a JSON object")
    thought, traps = raw["thought"], raw["traps"]
    if not isinstance(thought, str) or not isinstance(traps, list):
        raise ValueError("'thought' must be text and 'traps' a list")
    unknown = [trap for trap in traps if trap not in TRAP_NAMES]
    if unknown:
        raise ValueError(f"unknown trap(s) {unknown}")
    return Example(id=str(raw["id"]), thought=thought, traps=tuple(traps))
