"""Words for codes: crisis categories, delivery channels, session states."""

from __future__ import annotations

CATEGORIES = {
    "explicit_si": "Explicit suicidal ideation",
    "passive_si": "Passive suicidal ideation",
    "plan_means": "Plan or means",
    "method_seeking": "Method seeking",
    "self_harm": "Self-harm",
    "harm_others": "Harm to others",
    "goodbye": "Goodbye message",
    "medical_emergency": "Medical emergency",
    "persistent_dissociation": "Persistent dissociation",
    "hopelessness": "Hopelessness",
    "past_history": "Past history",
}


def category(code: str | None) -> str:
    """A crisis category for people; unknown codes as words."""
    if not code:
        return "—"
    return CATEGORIES.get(code, code.replace("_", " ").capitalize())
