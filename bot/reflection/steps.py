"""The eight steps of the reflection and the slots each one fills.

The one owner of the protocol's shape: the form, the record and the summary
all read the steps, their order, their headers and what counts as done here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REFLECTION_FORM = "reflection_form"
# Stored in place of an answer the patient chose to skip.
SKIPPED = "skipped"
HOURS_SLOT = "hours_since_infusion"
# Filled last: the reflection is complete once it has an answer.
COMPLETION_SLOT = "mood_after"
STEP_STATES = ("done", "skipped", "partial", "open")


@dataclass(frozen=True)
class Step:
    """One step of the reflection, shown to the patient as "Step N of 8".

    Attributes:
        slots: Asked, in this order.
        optional: Asked, but not needed for the step to be done.
        recorded: Written by the bot (not asked); kept with the answers.
    """

    name: str
    number: int
    title: str
    slots: tuple[str, ...]
    optional: tuple[str, ...] = ()
    recorded: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(slot for slot in self.slots if slot not in self.optional)

    @property
    def header(self) -> str:
        """The line that opens each of the step's questions."""
        return f"Step {self.number} of {len(STEPS)} · {self.title}"


STEPS: tuple[Step, ...] = (
    Step("checkin", 1, "Check-in", ("mood_before", "anxiety_before", "body_check")),
    Step("infusion", 2, "The infusion", ("infusion_highlight",)),
    Step(
        "loop",
        3,
        "The loop",
        ("thought", "belief_before", "emotion", "emotion_intensity_before"),
    ),
    Step("trap", 4, "Thinking trap", ("traps_chosen",), recorded=("traps_suggested",)),
    Step("observer", 5, "Observer stance", ("evidence_for", "evidence_against")),
    Step(
        "reframe",
        6,
        "Reframe",
        ("reframe", "belief_after", "emotion_intensity_after"),
    ),
    Step("intention", 7, "Intention", ("intention", "therapy_note"), ("therapy_note",)),
    Step("close", 8, "Close", ("mood_after",)),
)

# Asked before step 1; the follow-up only when an earlier reflection exists.
OPENING_SLOTS = (HOURS_SLOT, "previous_followup")

STEP_NAMES: tuple[str, ...] = tuple(step.name for step in STEPS)
STEP_LABELS: dict[str, str] = {step.name: step.title for step in STEPS}
SLOT_STEP: dict[str, str] = {
    slot: step.name for step in STEPS for slot in step.slots + step.recorded
}
# Everything a record or summary can carry; anxiety_after is no longer asked
# but older records have it.
ANSWER_FIELDS: tuple[str, ...] = (
    OPENING_SLOTS
    + tuple(slot for step in STEPS for slot in step.slots + step.recorded)
    + ("anxiety_after",)
)

# Inclusive ranges of the rating questions.
RATING_SCALES: dict[str, tuple[int, int]] = {
    "mood_before": (0, 10),
    "anxiety_before": (0, 10),
    "belief_before": (0, 100),
    "emotion_intensity_before": (0, 10),
    "belief_after": (0, 100),
    "emotion_intensity_after": (0, 10),
    "mood_after": (0, 10),
}

TEXT_SLOTS = (
    "previous_followup",
    "body_check",
    "infusion_highlight",
    "thought",
    "emotion",
    "evidence_for",
    "evidence_against",
    "reframe",
    "intention",
    "therapy_note",
)


def reflection_slots() -> tuple[str, ...]:
    """Every slot the reflection form may ask, in order."""
    return OPENING_SLOTS + tuple(slot for step in STEPS for slot in step.slots)


def required_slots(has_previous_reflection: bool) -> list[str]:
    """The form's slots, in asking order, for this patient."""
    slots = list(reflection_slots())
    if not has_previous_reflection:
        slots.remove("previous_followup")
    return slots


def step_of(slot: str) -> Step | None:
    """The step a slot belongs to (``None`` for opening slots)."""
    return next((step for step in STEPS if slot in step.slots), None)


def previous_answered_slot(
    slots: list[str], values: Mapping[str, Any], current: str | None
) -> str | None:
    """The slot answered just before ``current``, for "go back".

    Args:
        slots: The form's required slots in order.
        values: Current slot values.
        current: The slot being asked now (``None`` when all are filled).
    """
    end = slots.index(current) if current in slots else len(slots)
    for slot in reversed(slots[:end]):
        if values.get(slot) is not None:
            return slot
    return None


def is_answered(value: Any) -> bool:
    """Whether a slot value counts as filled (skipped counts as filled)."""
    return value is not None and value != [] and value != ""


def step_status(values: Mapping[str, Any]) -> dict[str, str]:
    """Each step's status from the answers.

    ``done`` when every required slot is filled and at least one was really
    answered, ``skipped`` when every required slot says skipped, ``partial``
    when only some are filled, and ``open`` when none are.
    """
    status: dict[str, str] = {}
    for step in STEPS:
        answers = [values.get(slot) for slot in step.required]
        filled = [value for value in answers if is_answered(value)]
        if not filled:
            status[step.name] = "open"
        elif len(filled) < len(answers):
            status[step.name] = "partial"
        elif all(value == SKIPPED for value in filled):
            status[step.name] = "skipped"
        else:
            status[step.name] = "done"
    return status
