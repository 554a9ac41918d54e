"""Formatting of summary values for people (shared by narrative and renderers)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from bot.reflection.steps import SKIPPED, STEP_LABELS, STEP_NAMES


def is_given(value: Any) -> bool:
    """An answer the patient actually gave (not missing, not skipped)."""
    return value is not None and value != SKIPPED and value != [] and value != ""


def number(value: Any) -> str:
    """6.0 -> "6", 6.5 -> "6.5"; anything else as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answer(value: Any, scale: int | None = None) -> str:
    """An answer for display: "skipped", "not answered", "6/10" or the text."""
    if value is None or value == [] or value == "":
        return "not answered"
    if value == SKIPPED:
        return "skipped"
    if isinstance(value, list):
        return ", ".join(trap_name(item) for item in value)
    if scale is not None and isinstance(value, (int, float)):
        return f"{number(value)}/{scale}"
    return number(value)


# Choices that are not traps (see actions/reflection.py).
CHOICE_LABELS = {"not_sure": "not sure", "other": "something else"}


@lru_cache(maxsize=1)
def _trap_labels() -> dict[str, str]:
    # Imported lazily: summaries render without the trap package if need be.
    try:
        from bot.traps.catalog import load_catalog

        catalog = load_catalog()
        return {name: catalog[name].label for name in catalog.traps}
    except Exception:  # noqa: BLE001 - fall back to the ids as words
        return {}


def trap_name(trap: Any) -> str:
    """A trap id as its catalog label (``all_or_nothing`` -> ``All-or-nothing``)."""
    name = str(trap)
    label = CHOICE_LABELS.get(name) or _trap_labels().get(name)
    return label or name.replace("_", " ")


def when(moment: datetime | None) -> str:
    """A UTC timestamp, minute precision."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "unknown"


def day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "unknown"


def minutes(value: float | None) -> str:
    if value is None:
        return "unknown"
    if value < 1:
        return "under a minute"
    if value < 90:
        return f"{round(value)} min"
    return f"{value / 60:.1f} h"


def hours(value: float | None) -> str:
    return "unknown" if value is None else f"{number(round(value, 1))} h"


def emotion_label(emotion: Any) -> str:
    """The row label of an emotion's intensity ("Intensity of shame")."""
    return f"Intensity of {emotion}" if is_given(emotion) else "Emotion intensity"


def step_label(step: str | None) -> str:
    return STEP_LABELS.get(step or "", step or "")


def step_ref(step: str | None) -> str:
    """``loop`` -> ``step 3 of 8 (The loop)``."""
    if step not in STEP_NAMES:
        return step_label(step)
    return (
        f"step {STEP_NAMES.index(step) + 1} of {len(STEP_NAMES)} ({step_label(step)})"
    )


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def times(count: int) -> str:
    """1 -> "once", 2 -> "twice", 3 -> "3 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
