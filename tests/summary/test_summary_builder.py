"""build_summary / build_summaries from events, records, or both."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.store import Escalation, Infusion, Reflection
from bot.summary import build_summaries, build_summary

from .rasa_events import (
    FULL_ANSWERS,
    Conversation,
    completed_reflection,
    crisis_verdict,
)

UTC = timezone.utc


def _at(conversation: Conversation, minutes: float = 0) -> datetime:
    return datetime.fromtimestamp(conversation.clock, tz=UTC) + timedelta(
        minutes=minutes
    )


def _until(slot: str):
    """FULL_ANSWERS up to (not including) ``slot``."""
    names = [name for name, _value, _text in FULL_ANSWERS]
    return FULL_ANSWERS[: names.index(slot)]


def test_complete_session_from_events_alone():
    conversation = completed_reflection()
    summary = build_summary(events=conversation.events, now=_at(conversation, 5))
    assert summary.status == "complete" and summary.end_reason == "completed"
    assert summary.sources == ["events"]
    assert summary.patient.conversation_id == "conv-1"
    assert summary.completeness.done == [
        "checkin",
        "infusion",
        "loop",
        "trap",
        "observer",
        "reframe",
        "intention",
        "close",
    ]
    assert summary.completeness.pause_count == 0
    assert (summary.mood.before, summary.mood.after) == (4, 6)
    assert summary.anxiety.before == 7 and summary.anxiety.after is None
    assert summary.loop.thought == "I always ruin everything"
    assert (summary.loop.belief.before, summary.loop.belief.after) == (80, 45)
    assert summary.loop.emotion == "shame"
    assert summary.traps.suggested == ["all_or_nothing", "labeling", "fortune_telling"]
    assert summary.traps.chosen == ["all_or_nothing", "labeling"]
    assert summary.evidence.against_thought == "I fixed the car for Sam"
    assert summary.reframe == "Sometimes I slip, often I help"
    assert summary.therapy_note == "skipped"
    assert summary.infusion.hours_since == 20 and (
        summary.infusion.hours_since_source == "patient"
    )
    assert summary.started_at < summary.ended_at
    assert 1 < summary.duration_minutes < 3
    assert summary.risk_events == []


def test_unfinished_session_is_in_progress_then_partial_when_idle():
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("traps_chosen"))
    conversation.slot("traps_suggested", ["labeling"]).ask("traps_chosen")

    running = build_summary(events=conversation.events, now=_at(conversation, 10))
    assert running.status == "in_progress" and running.end_reason is None
    assert running.ended_at is None

    idle = build_summary(
        events=conversation.events, now=_at(conversation, 121), inactivity_minutes=120
    )
    assert idle.status == "partial" and idle.end_reason == "inactive"
    assert idle.ended_at == idle.last_activity_at
    steps = idle.completeness
    assert steps.done == ["checkin", "infusion", "loop"]
    assert steps.open == ["trap", "observer", "reframe", "intention", "close"]
    assert steps.stopped_at_step == "trap"
    assert idle.reframe is None and idle.mood.after is None
    assert "Reframe" not in idle.narrative and "Intention" not in idle.narrative
    assert "at step 4 of 8 (Thinking trap)." in idle.narrative


def test_paused_and_resumed_across_a_rasa_session():
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("thought")).ask("thought").pause()
    carried = {name: value for name, value, _ in _until("thought")}
    carried["hours_since_infusion"] = 20.0
    conversation.wait(60 * 8).session_start(carried).resume()
    conversation.run_answers(FULL_ANSWERS[len(carried) - 1 :]).complete()

    (summary,) = build_summaries(conversation.events, now=_at(conversation, 1))
    assert summary.status == "complete"
    assert summary.completeness.paused
    assert (summary.completeness.pause_count, summary.completeness.resume_count) == (
        1,
        1,
    )
    assert summary.mood.before == 4 and summary.loop.thought == (
        "I always ruin everything"
    )
    assert summary.duration_minutes > 8 * 60
    assert "It was paused once and resumed once." in summary.narrative


def test_session_start_while_the_form_is_active_counts_as_a_pause():
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("body_check")).ask("body_check")
    carried = {name: value for name, value, _ in _until("body_check")}
    conversation.wait(90).session_start(carried).resume()
    conversation.run_answers(_until("thought")[2:]).ask("thought")
    (summary,) = build_summaries(conversation.events, now=_at(conversation, 1))
    assert summary.status == "in_progress"
    assert summary.completeness.pause_count == 1
    assert summary.completeness.resume_count == 1
    # Carried-over slot events are not new activity.
    assert summary.infusion_highlight == "I saw my dad's kitchen"


def test_restart_ends_the_session_and_a_new_one_can_follow():
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("infusion_highlight")).ask("infusion_highlight")
    conversation.user("/restart", intent="restart").restart().listen()
    conversation.open_reflection(hours=3).run_answers(FULL_ANSWERS).complete()

    first, second = build_summaries(conversation.events, now=_at(conversation, 1))
    assert (first.status, first.end_reason) == ("partial", "restarted")
    assert first.completeness.done == ["checkin"]
    assert (second.status, second.infusion.hours_since) == ("complete", 3)
    assert second.session_key != first.session_key


def test_two_completed_reflections_are_two_sessions():
    conversation = completed_reflection()
    conversation.wait(60 * 24 * 7)
    for name, _value, _text in FULL_ANSWERS:
        conversation.slot(name, None)  # what action_start_reflection does
    conversation.open_reflection(hours=4).run_answers(FULL_ANSWERS[:3]).ask(
        "infusion_highlight"
    )
    first, second = build_summaries(conversation.events, now=_at(conversation, 1))
    assert first.status == "complete" and second.status == "in_progress"
    assert second.infusion.hours_since == 4
    assert second.mood.after is None  # not carried from the first reflection


def test_rewound_answer_is_replaced_by_the_new_one():
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("thought")).ask("thought")
    conversation.answer("thought", "I am worthless", "I am worthless")
    conversation.ask("belief_before")
    # "/back": action_back reverts the command and the answer before it.
    conversation.user("/back", intent="back").action("action_back")
    conversation.rewind().rewind()
    conversation.answer("thought", "I let people down", "I let people down")
    (summary,) = build_summaries(conversation.events, now=_at(conversation, 1))
    assert summary.loop.thought == "I let people down"


def test_skipped_steps_are_reported_as_skipped():
    answers = [
        (name, "skipped", "skip")
        if name in ("traps_chosen", "evidence_for", "evidence_against")
        else (name, value, text)
        for name, value, text in FULL_ANSWERS
    ]
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(answers).complete()
    (summary,) = build_summaries(conversation.events, now=_at(conversation, 1))
    assert summary.completeness.skipped == ["trap", "observer"]
    assert summary.traps.chosen == "skipped"
    assert summary.evidence.for_thought == "skipped"
    assert "Skipped steps: Thinking trap, Observer stance." in summary.narrative
    assert "Thinking traps chosen" not in summary.narrative


def _crisis_conversation():
    """A crisis mid-form: the policy deactivates the loop, crisis replies."""
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("thought")).ask("thought")
    text = "honestly I want to end it tonight"
    conversation.user(
        text, intent="crisis_high", crisis=crisis_verdict("high", "explicit_si", text)
    )
    crisis_index = len(conversation.events) - 2
    conversation.action("action_deactivate_loop").loop(None)
    conversation.bot("I'm so glad you told me. Please call or text 988 now.").listen()
    low = "I feel a bit hopeless"
    conversation.user(
        low, intent="crisis_low", crisis=crisis_verdict("low", "hopelessness", low)
    )
    conversation.bot("That sounds heavy. Your care team can help.").listen()
    return conversation, crisis_index, text


def test_risk_events_from_escalations_and_unrecorded_flags():
    conversation, crisis_index, text = _crisis_conversation()
    event = conversation.events[crisis_index]
    escalation = Escalation(
        id=41,
        source_event_id=f"broker:{crisis_index + 1}",
        conversation_id="conv-1",
        level="high",
        final_level="moderate",
        category="explicit_si",
        message=text,
        detector_version="2026.11.1",
        bot_response=[{"position": 99, "text": "Please call or text 988 now."}],
        status="acknowledged",
        message_at=datetime.fromtimestamp(event["timestamp"], tz=UTC),
    )
    (summary,) = build_summaries(
        conversation.events,
        escalations=[escalation],
        now=_at(conversation, 1),
    )
    assert summary.completeness.pause_count == 1  # the crisis paused the form
    assert summary.completeness.paused_now
    assert "The reflection is paused, at step 3 of 8 (The loop)." in summary.narrative
    recorded, unrecorded = summary.risk_events
    assert (recorded.escalation_id, recorded.escalation_status) == (41, "acknowledged")
    assert (recorded.level, recorded.final_level) == ("high", "moderate")
    assert recorded.quote == text
    assert recorded.bot_response == ["Please call or text 988 now."]
    assert unrecorded.escalation_status is None and unrecorded.level == "low"
    assert unrecorded.quote == "I feel a bit hopeless"
    assert unrecorded.bot_response == ["That sounds heavy. Your care team can help."]
    assert summary.highest_risk_level == "moderate"
    assert "2 messages flagged" in summary.narrative


def test_a_retracted_crisis_message_stays_a_risk_event():
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("body_check")).ask("body_check")
    text = "I might hurt myself"
    conversation.user(
        text, intent="crisis_high", crisis=crisis_verdict("high", "self_harm", text)
    )
    conversation.action("action_retract").rewind()
    (summary,) = build_summaries(conversation.events, now=_at(conversation, 1))
    (risk,) = summary.risk_events
    assert risk.quote == text and risk.retracted


def _record(**overrides) -> Reflection:
    answers = {name: value for name, value, _ in FULL_ANSWERS}
    answers["hours_since_infusion"] = 20.0
    fields = dict(
        id=7,
        conversation_id="conv-1",
        patient_id=None,
        status="completed",
        answers=answers,
        step_status={},
        infusion_number=3,
        hours_since_infusion=20.0,
        pause_count=0,
        resume_count=0,
    )
    fields.update(overrides)
    return Reflection(**fields)


def test_record_is_preferred_for_answers_and_mismatches_are_named():
    conversation = completed_reflection()
    # The action server announced record 7 just before the form started.
    start = next(
        i for i, e in enumerate(conversation.events) if e["event"] == "active_loop"
    )
    conversation.events.insert(
        start,
        {
            "event": "slot",
            "timestamp": conversation.events[start]["timestamp"],
            "name": "reflection_id",
            "value": 7,
            "sender_id": "conv-1",
        },
    )
    started = datetime.fromtimestamp(conversation.events[start]["timestamp"], UTC)
    record = _record(
        started_at=started - timedelta(hours=5),  # a clock far off: ids decide
        answers={**_record().answers, "reframe": "Sometimes I slip; mostly I help"},
    )
    infusion = Infusion(number=3, administered_at=datetime(2026, 5, 11, 18, tzinfo=UTC))
    summary = build_summary(
        record, conversation.events, infusions=[infusion], now=_at(conversation, 1)
    )
    assert summary.reflection_id == 7 and summary.session_key == "reflection:7"
    assert summary.sources == ["record", "events"]
    assert summary.reframe == "Sometimes I slip; mostly I help"
    assert summary.source_mismatches == ["reframe"]
    assert summary.started_at == started  # timing from the events
    assert summary.infusion.number == 3
    assert summary.infusion.administered_at == infusion.administered_at


def test_record_alone_when_the_broker_has_nothing():
    started = datetime(2026, 5, 12, 14, 0, tzinfo=UTC)
    record = _record(
        status="paused",
        answers={"mood_before": 5.0, "anxiety_before": "skipped"},
        step_status={"checkin": "partial"},
        hours_since_infusion=None,
        infusion_number=None,
        pause_count=1,
        started_at=started,
        updated_at=started + timedelta(minutes=4),
    )
    infusion = Infusion(number=2, administered_at=started - timedelta(hours=26))
    summary = build_summary(
        record, [], infusions=[infusion], now=started + timedelta(hours=5)
    )
    assert summary.sources == ["record"]
    assert (summary.status, summary.end_reason) == ("partial", "inactive")
    assert summary.completeness.steps["checkin"] == "partial"
    assert summary.completeness.pause_count == 1
    assert summary.completeness.stopped_at_step == "checkin"
    assert summary.infusion.number == 2
    assert summary.infusion.hours_since == 26
    assert summary.infusion.hours_since_source == "clinic_record"
    assert "The anxiety rating before was skipped." in summary.narrative


def test_no_session_raises_lookup_error():
    conversation = Conversation().listen().user("hi", intent="greet")
    with pytest.raises(LookupError):
        build_summary(events=conversation.events)


def test_a_new_record_after_a_pause_starts_a_new_session():
    conversation = Conversation().listen().slot("reflection_id", 8)
    conversation.open_reflection().run_answers(_until("thought")).ask("thought")
    conversation.pause().wait(60 * 24 * 3)
    new_start = _at(conversation)
    conversation.slot("reflection_id", 9).resume()
    old = _record(id=8, status="paused", answers={}, started_at=_at(conversation, -1e4))
    new = _record(id=9, status="in_progress", answers={}, started_at=new_start)
    first, second = build_summaries(
        conversation.events, [old, new], now=_at(conversation, 1)
    )
    assert (first.reflection_id, first.end_reason) == (8, "superseded")
    assert first.loop.thought is None and first.mood.before == 4
    assert (second.reflection_id, second.status) == (9, "in_progress")


def test_a_record_the_session_announced_late_does_not_split_it():
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(_until("thought")).ask("thought")
    late_start = _at(conversation)
    conversation.slot("reflection_id", 5).ask("thought").pause()
    conversation.wait(30).resume()
    record = _record(id=5, status="in_progress", answers={}, started_at=late_start)
    (summary,) = build_summaries(conversation.events, [record], now=_at(conversation))
    assert summary.reflection_id == 5 and summary.completeness.resume_count == 1
