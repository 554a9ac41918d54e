"""A patient's safety plan, in the six steps of the Stanley-Brown model.

The clinic writes it with the patient (``python -m bot admin
set-safety-plan``); the bot shows it, in the patient's own words, when risk
is high.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Step key -> how the bot introduces it (our own wording).
SAFETY_PLAN_STEPS: tuple[tuple[str, str], ...] = (
    ("warning_signs", "Signs that a crisis may be coming"),
    ("coping", "Things I can do on my own to feel calmer"),
    ("distraction", "People and places that take my mind off things"),
    ("people", "People I can ask for help"),
    ("professionals", "Professionals and services I can call"),
    ("safe_environment", "Making my surroundings safer"),
)
_KEYS = tuple(key for key, _title in SAFETY_PLAN_STEPS)


class SafetyPlanError(ValueError):
    """The safety plan does not have the expected shape."""


def validate_safety_plan(raw: Any) -> dict[str, str]:
    """Check a plan (step key -> text) and return it trimmed.

    Raises:
        SafetyPlanError: naming the unknown step or the empty plan.
    """
    if not isinstance(raw, Mapping):
        raise SafetyPlanError("a safety plan maps step names to text")
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise SafetyPlanError(f"unknown steps {unknown}; use {list(_KEYS)}")
    plan = {}
    for key in _KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        if not isinstance(value, str):
            raise SafetyPlanError(f"step {key!r} must be text or a list of text")
        if value.strip():
            plan[key] = value.strip()
    if not plan:
        raise SafetyPlanError("the safety plan has no steps filled in")
    return plan


def render_safety_plan(plan: Mapping[str, Any] | None) -> str | None:
    """The plan as a message, or ``None`` when there is nothing to show."""
    steps = [(title, (plan or {}).get(key)) for key, title in SAFETY_PLAN_STEPS]
    steps = [(title, text) for title, text in steps if isinstance(text, str) and text]
    if not steps:
        return None
    lines = ["Your safety plan, the one you made with your care team:"]
    lines += [
        f"{number}. {title}: {text}" for number, (title, text) in enumerate(steps, 1)
    ]
    return "\n".join(lines)
