"""The eight reflection steps and the slots that belong to each.

Mirrors "Reflection record" in docs/ARCHITECTURE.md; change both together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REFLECTION_FORM = "reflection_form"
SKIPPED = "skipped"
HOURS_SLOT = "hours_since_infusion"
# Asked before step 1 (the follow-up only when an earlier reflection exists).
OPENING_SLOTS = (HOURS_SLOT, "previous_followup")

# (step name, label for people, required slots, optional slots)
STEPS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("checkin", "Check-in", ("mood_before", "anxiety_before", "body_check"), ()),
    ("infusion", "The infusion", ("infusion_highlight",), ()),
    (
        "loop",
        "The loop",
        ("thought", "belief_before", "emotion", "emotion_intensity_before"),
        (),
    ),
    # traps_suggested is written by the action, not the patient, so it does
    # not count towards the step being done.
    ("trap", "Thinking trap", ("traps_chosen",), ("traps_suggested",)),
    ("observer", "Observer stance", ("evidence_for", "evidence_against"), ()),
    (
        "reframe",
        "Reframe",
        ("reframe", "belief_after", "emotion_intensity_after"),
        (),
    ),
    ("intention", "Intention", ("intention",), ("therapy_note",)),
    ("close", "Close", ("mood_after",), ()),
)

STEP_NAMES: tuple[str, ...] = tuple(step[0] for step in STEPS)
STEP_LABELS: dict[str, str] = {step[0]: step[1] for step in STEPS}
STEP_STATES = ("done", "skipped", "partial", "open")

# Answers a summary can carry; anxiety_after is not asked by the current form
# but is shown when a record has it.
ANSWER_FIELDS: tuple[str, ...] = (
    OPENING_SLOTS
    + tuple(slot for step in STEPS for slot in step[2] + step[3])
    + ("anxiety_after",)
)
SLOT_STEP: dict[str, str] = {
    slot: step[0] for step in STEPS for slot in step[2] + step[3]
}
COMPLETION_SLOT = "mood_after"


def is_answered(value: Any) -> bool:
    """Whether a slot value counts as filled (skipped counts as filled)."""
    return value is not None and value != [] and value != ""


def derive_step_status(answers: Mapping[str, Any]) -> dict[str, str]:
    """Step states from the answers alone (used when no record says otherwise).

    A step is ``done`` when every required slot is filled and at least one was
    really answered, ``skipped`` when every filled slot says skipped, ``partial``
    when only some required slots are filled, and ``open`` when none are.
    """
    status: dict[str, str] = {}
    for name, _label, required, _optional in STEPS:
        values: list[Any] = [answers.get(slot) for slot in required]
        filled = [value for value in values if is_answered(value)]
        if not filled:
            status[name] = "open"
        elif all(value == SKIPPED for value in filled):
            status[name] = "skipped" if len(filled) == len(values) else "partial"
        elif len(filled) == len(values):
            status[name] = "done"
        else:
            status[name] = "partial"
    return status
