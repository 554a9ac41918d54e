"""The post-infusion reflection protocol, free of Rasa.

``steps`` defines the eight steps and their slots, ``answers`` parses what the
patient typed (ratings, time since the infusion, trap choices), and ``record``
turns slot values into the stored ``Reflection``.
"""

from bot.reflection.answers import (
    parse_hours_since_infusion,
    parse_rating,
    parse_trap_choice,
)
from bot.reflection.steps import (
    RATING_SCALES,
    SKIPPED,
    STEPS,
    TEXT_SLOTS,
    Step,
    previous_answered_slot,
    reflection_slots,
    required_slots,
    step_of,
    step_status,
)

__all__ = [
    "RATING_SCALES",
    "SKIPPED",
    "STEPS",
    "TEXT_SLOTS",
    "Step",
    "parse_hours_since_infusion",
    "parse_rating",
    "parse_trap_choice",
    "previous_answered_slot",
    "reflection_slots",
    "required_slots",
    "step_of",
    "step_status",
]
