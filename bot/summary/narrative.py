"""The short narrative paragraph of a summary.

Sentences come from fixed templates and appear only for facts the summary
holds; a skipped answer is said to be skipped, never filled in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.summary import formatting as fmt

if TYPE_CHECKING:
    from bot.summary.model import BeforeAfter, Summary

STATUS_SENTENCES = {
    "completed": "The reflection was completed",
    "inactive": "The reflection was left unfinished",
    "restarted": "The reflection ended unfinished when the conversation restarted",
    "superseded": "The reflection was left unfinished when a new one began",
    "abandoned": "The reflection was abandoned",
}


def _change(label: str, pair: BeforeAfter, scale: int) -> str | None:
    before, after = pair.before, pair.after
    if fmt.is_given(before) and fmt.is_given(after):
        return (
            f"{label} went from {fmt.number(before)} to {fmt.number(after)} "
            f"out of {scale}."
        )
    parts = []
    for moment, value in (("before", before), ("after", after)):
        if fmt.is_given(value):
            parts.append(f"{label} {moment} was {fmt.number(value)} out of {scale}.")
        elif value == "skipped":
            parts.append(f"The {label.lower()} rating {moment} was skipped.")
    return " ".join(parts) or None


def _opening(summary: Summary) -> str:
    infusion = summary.infusion
    text = f"{summary.patient.label} reflected after "
    text += f"infusion #{infusion.number}" if infusion.number else "an infusion"
    if infusion.administered_at:
        text += f" (given {fmt.day(infusion.administered_at)})"
    if infusion.hours_since is not None:
        source = (
            "as they said"
            if infusion.hours_since_source == "patient"
            else ("from the clinic record")
        )
        text += f", about {fmt.hours(infusion.hours_since)} later ({source})"
    return text + "."


def _progress(summary: Summary) -> str:
    completeness = summary.completeness
    if summary.status == "in_progress":
        paused = completeness.paused_now
        text = f"The reflection is {'paused' if paused else 'in progress'}"
    else:
        text = STATUS_SENTENCES.get(summary.end_reason or "", "The reflection ended")
    if summary.duration_minutes is not None and summary.status != "in_progress":
        text += f" after {fmt.minutes(summary.duration_minutes)}"
    if summary.status != "complete" and completeness.stopped_at_step:
        text += f", at {fmt.step_ref(completeness.stopped_at_step)}"
    text += "."
    pauses, resumes = completeness.pause_count, completeness.resume_count
    if pauses:
        resumed = f"resumed {fmt.times(resumes)}" if resumes else "not resumed"
        text += f" It was paused {fmt.times(pauses)} and {resumed}."
    return text


def _thought(summary: Summary) -> list[str]:
    loop = summary.loop
    sentences = []
    if fmt.is_given(loop.thought):
        sentences.append(f"They worked on the thought \u201c{loop.thought}\u201d.")
    elif loop.thought == "skipped":
        sentences.append("They skipped naming a thought.")
    belief = _change("Belief in it", loop.belief, 100)
    if belief:
        sentences.append(belief)
    if fmt.is_given(loop.emotion):
        intensity = _change(
            f"The intensity of {loop.emotion}", loop.emotion_intensity, 10
        )
        sentences.append(intensity or f"The emotion was {loop.emotion}.")
    return sentences


def _choices(summary: Summary) -> list[str]:
    sentences = []
    chosen = summary.traps.chosen
    if fmt.is_given(chosen):
        sentences.append(f"Thinking traps chosen: {fmt.answer(chosen)}.")
    if fmt.is_given(summary.reframe):
        sentences.append(f"Reframe: \u201c{summary.reframe}\u201d.")
    if fmt.is_given(summary.intention):
        sentences.append(f"Intention: \u201c{summary.intention}\u201d.")
    skipped = summary.completeness.skipped
    if skipped:
        labels = ", ".join(fmt.step_label(step) for step in skipped)
        sentences.append(f"Skipped steps: {labels}.")
    return sentences


def _risk(summary: Summary) -> str:
    count = len(summary.risk_events)
    if not count:
        return "No message in this session was flagged by the safety check."
    text = f"{fmt.plural(count, 'message')} flagged by the safety check"
    highest = summary.highest_risk_level
    if highest:
        text += f" (highest level: {highest})"
    return text + "; see the risk section."


def build_narrative(summary: Summary) -> str:
    """One paragraph that restates the summary's facts in sentences."""
    sentences = [_opening(summary), _progress(summary)]
    mood = _change("Mood", summary.mood, 10)
    if mood:
        sentences.append(mood)
    anxiety = _change("Anxiety", summary.anxiety, 10)
    if anxiety:
        sentences.append(anxiety)
    sentences += _thought(summary) + _choices(summary) + [_risk(summary)]
    return " ".join(sentences)
