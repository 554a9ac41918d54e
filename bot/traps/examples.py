"""Labelled thoughts in JSON lines: the detector's training data and eval sets.

Training data lives in ``bot/traps/data`` (the first corpus, its train split
and one file per voice in ``voices/``); ``eval/traps`` holds evaluation sets
only: the test split and the fresh voice sets.

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
DATA_DIR = PACKAGE_DIR / "data"
VOICES_DIR = DATA_DIR / "voices"
EVAL_DIR = REPO_DIR / "eval" / "traps"
TEST_SPLIT = EVAL_DIR / "test.jsonl"
FRESH_DIR = EVAL_DIR / "fresh"


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


def shared_training_files() -> list[Path]:
    """The training data that belongs to no one voice (kept in every fold)."""
    return sorted(DATA_DIR.glob("*.jsonl"))


def training_files() -> list[Path]:
    """The training data: everything under ``bot/traps/data``, voices included."""
    return shared_training_files() + sorted(VOICES_DIR.glob("*.jsonl"))


def read_training_examples() -> list[Example]:
    """All training examples (never the test split or the fresh sets)."""
    return [example for path in training_files() for example in read_examples(path)]


def read_voices(folder: Path = VOICES_DIR) -> dict[str, list[Example]]:
    """Voice sets by name (the file stem): one writer's voice per file."""
    return {path.stem: read_examples(path) for path in sorted(folder.glob("*.jsonl"))}


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
