"""The thinking-trap catalog: patient-facing wording, loaded from YAML.

The YAML file is validated by hand so that every error names the file, the
trap and the field, e.g. ``catalog.yml: trap 'labeling': missing field
'questions'``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CATALOG_PATH = Path(__file__).with_name("catalog.yml")

# Canonical order: the order traps are listed in, offered and reported.
TRAP_NAMES: tuple[str, ...] = (
    "all_or_nothing",
    "overgeneralizing",
    "mental_filter",
    "discounting_positive",
    "mind_reading",
    "fortune_telling",
    "catastrophizing",
    "emotional_reasoning",
    "should_statements",
    "labeling",
    "personalization",
    "blaming",
)

MAX_LABEL_CHARS = 24  # fits on a quick-reply button
TEXT_FIELDS = ("label", "explanation", "example")
LIST_FIELDS = ("questions", "strategies")
LIST_LENGTH = (2, 3)


class CatalogError(ValueError):
    """The catalog file is missing, unreadable or incomplete."""


@dataclass(frozen=True)
class Trap:
    """One thinking trap with the wording shown to patients."""

    name: str
    label: str
    explanation: str
    example: str
    questions: tuple[str, ...]
    strategies: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """All twelve traps, keyed by snake_case name in canonical order."""

    traps: Mapping[str, Trap]

    def __getitem__(self, name: str) -> Trap:
        return self.traps[name]

    def __contains__(self, name: object) -> bool:
        return name in self.traps

    def __iter__(self) -> Iterator[Trap]:
        return iter(self.traps.values())

    def __len__(self) -> int:
        return len(self.traps)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.traps)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate the catalog; results are cached per path.

    Args:
        path: YAML file to read; defaults to ``bot/traps/catalog.yml``.

    Raises:
        CatalogError: the file is missing, is not valid YAML, or a trap or
            field is missing or malformed. The message names the file, the
            trap and the field.
    """
    resolved = Path(path) if path is not None else DEFAULT_CATALOG_PATH
    return _load_cached(str(resolved.resolve()))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Catalog:
    file_name = Path(path).name
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CatalogError(f"{file_name}: cannot read file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{file_name}: file is not UTF-8 text") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise CatalogError(f"{file_name}: invalid YAML{line}") from None
    return Catalog(traps=_parse_traps(raw, file_name))


def _parse_traps(raw: Any, file_name: str) -> dict[str, Trap]:
    if not isinstance(raw, dict) or not isinstance(raw.get("traps"), dict):
        raise CatalogError(f"{file_name}: expected a mapping with a 'traps' mapping")
    entries: dict[Any, Any] = raw["traps"]
    unknown = [str(name) for name in entries if name not in TRAP_NAMES]
    if unknown:
        raise CatalogError(f"{file_name}: unknown trap(s) {_quoted(unknown)}")
    missing = [name for name in TRAP_NAMES if name not in entries]
    if missing:
        raise CatalogError(f"{file_name}: missing trap(s) {_quoted(missing)}")
    return {
        name: _parse_trap(name, entries[name], f"{file_name}: trap '{name}'")
        for name in TRAP_NAMES
    }


def _parse_trap(name: str, entry: Any, where: str) -> Trap:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping of fields")
    known = TEXT_FIELDS + LIST_FIELDS
    unknown = [str(key) for key in entry if key not in known]
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {_quoted(unknown)}")
    for field in known:
        if field not in entry:
            raise CatalogError(f"{where}: missing field '{field}'")
    texts = {
        field: _text(entry[field], f"{where}: field '{field}'") for field in TEXT_FIELDS
    }
    if len(texts["label"]) > MAX_LABEL_CHARS:
        raise CatalogError(
            f"{where}: field 'label' is longer than {MAX_LABEL_CHARS} characters"
        )
    lists = {
        field: _text_list(entry[field], f"{where}: field '{field}'")
        for field in LIST_FIELDS
    }
    return Trap(name=name, **texts, **lists)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: expected non-empty text")
    return " ".join(value.split())


def _text_list(value: Any, where: str) -> tuple[str, ...]:
    low, high = LIST_LENGTH
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise CatalogError(f"{where}: expected a list of {low} to {high} items")
    return tuple(
        _text(item, f"{where} item {index}") for index, item in enumerate(value, 1)
    )


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)
