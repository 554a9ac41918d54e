"""What the reflection does with each answer and request, free of Rasa.

Every function returns a :class:`Turn`: the slots to set and the domain
responses to say (by name, with their variables), so the words live in
``domain.yml`` beside the crisis responses and can be localised the same way.
The action server only translates a ``Turn`` into events and messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.reflection.answers import (
    parse_hours_since_infusion,
    parse_rating,
    parse_trap_choice,
)
from bot.reflection.steps import (
    COMPLETION_SLOT,
    HOURS_SLOT,
    RATING_SCALES,
    SKIPPED,
    TEXT_SLOTS,
    previous_answered_slot,
    reflection_slots,
    step_of,
)
from bot.traps import Catalog, TrapSuggestion, check_reframe

NOT_SURE = "not_sure"
OTHER = "other"
RETRY = "retry_slot"
# Longest answer kept; the channel rejects longer messages before they get here.
MAX_ANSWER_CHARS = 4000
# Steps whose "I don't know" gets a hint of its own before the step is left.
HINTS = {
    "thought": "utter_hint_thought",
    "evidence_against": "utter_hint_evidence_against",
    "reframe": "utter_hint_reframe",
    "intention": "utter_hint_intention",
}
# Slots the reflection keeps besides the answers; cleared when one starts.
WORKING_SLOTS = ("traps_suggested", "reframe_checked", RETRY, "reflection_id")


@dataclass(frozen=True)
class Say:
    """One domain response to send, with the variables it fills in."""

    response: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class Turn:
    """What one answer or request changes, and what the patient is told."""

    slots: Mapping[str, Any] = field(default_factory=dict)
    say: tuple[Say, ...] = ()


def clean_text(value: Any) -> str | None:
    """Printable text, trimmed and capped; ``None`` when nothing is left."""
    if not isinstance(value, str):
        return None
    text = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()
    return text[:MAX_ANSWER_CHARS] or None


def _given(value: Any) -> str | None:
    text = clean_text(value)
    return None if text in (None, SKIPPED) else text


# -- answers -----------------------------------------------------------------------


def rating_answer(slot: str, value: Any, retry_slot: str | None) -> Turn:
    """A rating: kept when read, asked once more when not, then left."""
    if value == SKIPPED:
        return Turn({slot: SKIPPED})
    low, high = RATING_SCALES[slot]
    rating = parse_rating(str(value), low, high)
    if rating.value is not None:
        return Turn({slot: rating.value, RETRY: None})
    if retry_slot == slot:
        return Turn({slot: SKIPPED, RETRY: None}, (Say("utter_rating_left"),))
    reason = (
        "utter_rating_out_of_range"
        if rating.problem == "out_of_range"
        else "utter_rating_not_caught"
    )
    return Turn({slot: None, RETRY: slot}, (Say(reason, {"low": low, "high": high}),))


def hours_answer(value: Any, retry_slot: str | None) -> Turn:
    """The time since the infusion: asked once more with examples, then left."""
    if value == SKIPPED:
        return Turn({HOURS_SLOT: SKIPPED})
    hours = parse_hours_since_infusion(str(value))
    if hours is not None:
        return Turn({HOURS_SLOT: hours, RETRY: None})
    if retry_slot == HOURS_SLOT:
        return Turn({HOURS_SLOT: SKIPPED, RETRY: None})
    return Turn({HOURS_SLOT: None, RETRY: HOURS_SLOT}, (Say("utter_hours_examples"),))


def trap_answer(
    value: Any, catalog: Catalog, suggested: Sequence[str], retry_slot: str | None
) -> Turn:
    """The traps the patient picked; "something else" shows the whole catalog."""
    if value == SKIPPED or value == [SKIPPED]:
        return Turn({"traps_chosen": SKIPPED})
    text = " ".join(value) if isinstance(value, list) else str(value)
    lowered = text.lower()
    labels = {name: trap.label for name, trap in catalog.traps.items()}
    chosen = parse_trap_choice(text, labels, suggested)
    if chosen:
        return Turn({"traps_chosen": chosen, RETRY: None})
    if "not sure" in lowered or "unsure" in lowered:
        return Turn({"traps_chosen": [NOT_SURE], RETRY: None})
    if retry_slot == "traps_chosen" and "something else" not in lowered:
        return Turn({"traps_chosen": [OTHER], RETRY: None})
    # Asked again, this time with the whole catalog.
    return Turn({"traps_chosen": None, RETRY: "traps_chosen"})


def reframe_answer(
    value: Any, thought: Any, traps_chosen: Any, already_checked: bool
) -> Turn:
    """The reframe: one gentle nudge when it repeats the trap, then kept as is."""
    text = clean_text(value)
    if text is None:
        return Turn({"reframe": None})
    if text == SKIPPED or already_checked:
        return Turn({"reframe": text})
    traps = [t for t in (traps_chosen or []) if t not in (NOT_SURE, OTHER, SKIPPED)]
    check = check_reframe(text, thought, traps)
    if check.ok:
        return Turn({"reframe": text, "reframe_checked": True})
    nudge = (
        "utter_reframe_bare_negation"
        if check.reason == "bare_negation"
        else "utter_reframe_same_wording"
    )
    return Turn({"reframe": None, "reframe_checked": True}, (Say(nudge),))


def text_answer(slot: str, value: Any) -> Turn:
    """A free-text answer, kept in the patient's words."""
    return Turn({slot: clean_text(value)})


# -- navigation --------------------------------------------------------------------


def skip(slot: str | None) -> Turn:
    """Marks the current question as skipped."""
    if slot not in reflection_slots():
        return Turn()
    return Turn({slot: SKIPPED, RETRY: None}, (Say("utter_step_skipped"),))


def dont_know(slot: str | None, retry_slot: str | None) -> Turn:
    """The first "I don't know" gets a hint; the second leaves the question."""
    if slot not in reflection_slots():
        return Turn()
    if slot == "traps_chosen":
        # "Not sure" is a real answer at this step, not a reason to hint.
        return Turn({slot: [NOT_SURE], RETRY: None}, (Say("utter_trap_not_sure"),))
    if retry_slot != slot:
        return Turn({RETRY: slot}, (Say(HINTS.get(slot, "utter_hint_any")),))
    return Turn({slot: SKIPPED, RETRY: None}, (Say("utter_left_for_now"),))


def go_back(
    slots: Sequence[str], values: Mapping[str, Any], current: str | None
) -> Turn:
    """Clears the previous answer, so the form asks it again."""
    previous = previous_answered_slot(list(slots), values, current)
    if previous is None:
        return Turn(say=(Say("utter_at_first_question"),))
    cleared: dict[str, Any] = {previous: None, RETRY: None}
    if previous == "reframe":
        cleared["reframe_checked"] = None
    return Turn(cleared, (Say("utter_going_back"),))


# -- lifecycle ---------------------------------------------------------------------


def is_in_progress(values: Mapping[str, Any]) -> bool:
    """Some answers given and the last one not yet."""
    answered = any(values.get(slot) is not None for slot in reflection_slots())
    return answered and values.get(COMPLETION_SLOT) is None


# A low-risk or unsure flag asks one of these; "no" then offers to go on.
_CHECK_QUESTIONS = ("utter_ask_low_safety", "utter_ask_crisis_check")
_CHECKED_INTENTS = ("crisis_low", "crisis_check")
_OFFER_TO_GO_ON = "utter_offer_continue_or_stop"


def answer_before_settled_check(
    events: Sequence[Mapping[str, Any]],
) -> tuple[str, str] | None:
    """The answer a safety check interrupted, once the patient has said no.

    A low-risk or unsure message inside the reflection leaves the form and
    asks the patient directly. When they say no and choose to go on, their
    message was their answer ("that I'm a burden to everyone" is the thought,
    "70, it feels true most days" the rating): it is kept, so they are not
    asked again, retype it and be checked again. Anything higher goes to the
    screener and never comes here.

    Returns:
        (slot, text) when the last events are: a text step asked, the flagged
        message, the check, a "no", the offer to go on; else ``None``.
    """
    offers = [i for i, e in enumerate(events) if e.get("name") == _OFFER_TO_GO_ON]
    if not offers:
        return None
    # What the patient said and the checks asked, up to the offer to go on.
    before = [
        (i, e)
        for i, e in enumerate(events[: offers[-1]])
        if e.get("event") == "user" or e.get("name") in _CHECK_QUESTIONS
    ]
    if len(before) < 3:
        return None
    (flagged_at, flagged), (_, check), (_, denial) = before[-3:]
    if not (
        flagged.get("event") == "user"
        and _intent(flagged) in _CHECKED_INTENTS
        and check.get("name") in _CHECK_QUESTIONS
        and denial.get("event") == "user"
        and _intent(denial) == "deny"
    ):
        return None
    asked = [
        e.get("value")
        for e in events[:flagged_at]
        if e.get("event") == "slot" and e.get("name") == "requested_slot"
    ]
    slot = asked[-1] if asked else None
    text = clean_text(flagged.get("text"))
    if slot not in reflection_slots() or text is None:
        return None
    return slot, text


def _kept_answer(slot: str, text: str) -> Any:
    """The value a checked message gives its step, or ``None`` if it gives none."""
    if slot in RATING_SCALES:
        return rating_answer(slot, text, None).slots.get(slot)
    if slot == HOURS_SLOT:
        return hours_answer(text, None).slots.get(slot)
    return text if slot in TEXT_SLOTS else None


def _intent(event: Mapping[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def start_or_resume(
    values: Mapping[str, Any], events: Sequence[Mapping[str, Any]] = ()
) -> Turn:
    """Resumes the reflection in progress, or starts a fresh one."""
    checked = answer_before_settled_check(events)
    if checked and values.get(checked[0]) is None and is_in_progress(values):
        slot, value = checked[0], _kept_answer(*checked)
        if value is not None:
            resumed = start_or_resume({**values, slot: value})
            return Turn({slot: value, **resumed.slots}, resumed.say)
    if is_in_progress(values):
        step = next(
            (
                step_of(slot)
                for slot in reflection_slots()
                if values.get(slot) is None and step_of(slot)
            ),
            None,
        )
        if step is None:
            return Turn(say=(Say("utter_reflection_resumed"),))
        return Turn(
            say=(
                Say(
                    "utter_reflection_resumed_at_step",
                    {"step_number": step.number, "step_title": step.title.lower()},
                ),
            )
        )
    fresh = {slot: None for slot in reflection_slots() + WORKING_SLOTS}
    return Turn(fresh, (Say("utter_disclosure"), Say("utter_how_to_move")))


def followup_question(previous: Mapping[str, Any]) -> Say:
    """Recalls the last intention and reframe, and asks how it went."""
    intention, reframe = _given(previous.get("intention")), _given(
        previous.get("reframe")
    )
    if intention and reframe:
        return Say(
            "utter_followup_intention_and_reframe",
            {"last_intention": intention, "last_reframe": reframe},
        )
    if intention:
        return Say("utter_followup_intention", {"last_intention": intention})
    if reframe:
        return Say("utter_followup_reframe", {"last_reframe": reframe})
    return Say("utter_followup_plain")


def trap_buttons(catalog: Catalog, names: Sequence[str]) -> tuple[dict[str, str], ...]:
    """A button per trap, then "Something else" and "Not sure"."""
    buttons = [
        {"title": catalog[name].label, "payload": catalog[name].label} for name in names
    ]
    buttons += [
        {"title": "Something else", "payload": "something else"},
        {"title": "Not sure", "payload": "not sure"},
    ]
    return tuple(buttons)


def trap_question(
    catalog: Catalog,
    suggestions: Sequence[TrapSuggestion],
    wants_all: bool,
    ranked: Sequence[str] = (),
) -> Turn:
    """Suggests the likely traps; the whole catalog when none or when asked for.

    Each suggestion quotes the patient's words that point to it. The whole
    catalog is listed likeliest first (``ranked``), and showing it keeps what
    was first suggested, for the summary.
    """
    if suggestions and not wants_all:
        explained = "\n".join(_trap_line(catalog, s) for s in suggestions)
        names = [s.name for s in suggestions]
        say = Say(
            "utter_trap_suggestions",
            {"trap_list": explained},
            trap_buttons(catalog, names),
        )
        return Turn({"traps_suggested": names}, (say,))
    order = [name for name in ranked if name in catalog.traps]
    order += [name for name in catalog.traps if name not in order]
    say = Say("utter_trap_catalog", buttons=trap_buttons(catalog, order))
    return Turn({} if wants_all else {"traps_suggested": []}, (say,))


def _trap_line(catalog: Catalog, suggestion: TrapSuggestion) -> str:
    trap = catalog[suggestion.name]
    line = f"• {trap.label}: {trap.explanation}"
    if suggestion.cues:
        quoted = ", ".join(f"“{words}”" for words in suggestion.cues)
        line += f" (your words: {quoted})"
    return line


def evidence_question(catalog: Catalog, traps_chosen: Any) -> Say:
    """Opens the observer step, with a Socratic question of the chosen trap."""
    chosen = [t for t in (traps_chosen or []) if t in catalog.traps]
    questions = catalog[chosen[0]].questions if chosen else ()
    if questions:
        return Say("utter_evidence_for_with_question", {"trap_question": questions[0]})
    return Say("utter_evidence_for")


def recap(values: Mapping[str, Any]) -> tuple[Say, ...]:
    """The reflection in the patient's own words, then the closing line."""
    lines = [
        Say(response, {"quote": text})
        for response, slot in (
            ("utter_recap_thought", "thought"),
            ("utter_recap_reframe", "reframe"),
            ("utter_recap_intention", "intention"),
        )
        if (text := _given(values.get(slot)))
    ]
    before, after = values.get("mood_before"), values.get(COMPLETION_SLOT)
    if all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after)
    ):
        lines.append(
            Say(
                "utter_recap_mood",
                {"mood_then": f"{before:g}", "mood_now": f"{after:g}"},
            )
        )
    opening = (Say("utter_recap_intro"),) if lines else ()
    return opening + tuple(lines) + (Say("utter_reflection_closed"),)
