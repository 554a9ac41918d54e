"""process_due and summary_for_conversation against real SQLite stores."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.store import Notification, Reflection, SessionSummary
from bot.summary import (
    NoSession,
    UnknownConversation,
    load_stored_summary,
    process_due,
    summary_for_conversation,
)

from .conftest import CONVERSATION, HOOK_URL, clinic_config, publish
from .rasa_events import FULL_ANSWERS, Conversation, completed_reflection


def _now(conversation: Conversation, minutes: float) -> datetime:
    return datetime.fromtimestamp(conversation.clock, tz=timezone.utc) + timedelta(
        minutes=minutes
    )


def _rows(db, model):
    with db.session() as session:
        return list(session.execute(select(model).order_by(model.id)).scalars())


def test_completed_reflection_stores_one_summary_and_notifies(
    db, stream, config, patient
):
    conversation = completed_reflection()
    publish(stream, conversation.events)
    now = _now(conversation, 1)

    assert process_due(db, stream, config, now) == 1
    assert process_due(db, stream, config, now) == 0  # idempotent

    (row,) = _rows(db, SessionSummary)
    assert (row.reason, row.patient_id, row.conversation_id) == (
        "completed",
        patient,
        CONVERSATION,
    )
    assert row.data["status"] == "complete"
    notifications = _rows(db, Notification)
    assert {(n.channel, n.target) for n in notifications} == {
        ("email", "lee@clinic.invalid"),
        ("webhook", HOOK_URL),
    }
    for notification in notifications:
        assert (notification.kind, notification.summary_id) == ("summary", row.id)
        assert notification.status == "pending"
        payload = notification.payload
        assert payload["link"] == f"http://127.0.0.1:8000/sessions/{row.id}"
        assert payload["reason"] == "completed" and payload["patient"] == "Ana"
        assert "summary" not in payload and "markdown" not in payload
        assert "I always ruin everything" not in str(payload)


def test_content_is_included_only_when_the_clinic_opts_in(db, stream, patient):
    conversation = completed_reflection()
    publish(stream, conversation.events)
    config = clinic_config(include_content=True)
    process_due(db, stream, config, _now(conversation, 1))
    payload = _rows(db, Notification)[0].payload
    assert payload["summary"]["loop"]["thought"] == "I always ruin everything"
    assert payload["markdown"].startswith("# Reflection summary: Ana")


def test_inactive_session_gets_a_partial_summary_then_a_superseding_one(
    db, stream, config, patient
):
    conversation = Conversation(CONVERSATION).listen().open_reflection()
    conversation.run_answers(FULL_ANSWERS[:5]).ask("belief_before")
    publish(stream, conversation.events)

    assert process_due(db, stream, config, _now(conversation, 30)) == 0
    assert process_due(db, stream, config, _now(conversation, 121)) == 1
    assert process_due(db, stream, config, _now(conversation, 200)) == 0
    (partial,) = _rows(db, SessionSummary)
    assert partial.reason == "inactive" and partial.data["status"] == "partial"

    # The patient comes back the next day and finishes.
    later = Conversation(CONVERSATION, start=conversation.clock + 86400)
    later.resume().run_answers(FULL_ANSWERS[5:]).complete()
    publish(stream, later.events)
    assert process_due(db, stream, config, _now(later, 1)) == 1
    first, second = _rows(db, SessionSummary)
    assert second.reason == "completed" and second.data["status"] == "complete"
    assert second.data["session_key"] == first.data["session_key"]
    assert (second.data["mood"]["before"], second.data["mood"]["after"]) == (4, 6)
    latest_payload = _rows(db, Notification)[-1].payload
    assert latest_payload["supersedes"] == first.id
    # The old link now shows the newest summary of the session.
    assert load_stored_summary(db, first.id).status == "complete"
    assert load_stored_summary(db, 999) is None


def test_record_without_events_is_summarised_from_the_record(
    db, stream, config, patient
):
    started = datetime(2026, 5, 12, 14, tzinfo=timezone.utc)
    with db.session() as session:
        session.add(
            Reflection(
                conversation_id=CONVERSATION,
                patient_id=patient,
                status="completed",
                answers={"mood_before": 3, "mood_after": 5},
                step_status={"checkin": "partial", "close": "done"},
                started_at=started,
                updated_at=started + timedelta(minutes=9),
                completed_at=started + timedelta(minutes=9),
            )
        )
    assert process_due(db, stream, config, started + timedelta(hours=1)) == 1
    (row,) = _rows(db, SessionSummary)
    assert row.reflection_id is not None and row.reason == "completed"
    assert row.data["duration_minutes"] == 9


def test_summary_for_conversation_builds_on_demand_or_returns_stored(
    db, stream, config, patient
):
    conversation = Conversation(CONVERSATION).listen().open_reflection()
    conversation.run_answers(FULL_ANSWERS[:2]).ask("body_check")
    publish(stream, conversation.events)
    now = _now(conversation, 5)
    running = summary_for_conversation(db, stream, CONVERSATION, now=now)
    assert running.status == "in_progress"
    assert running.patient.display_name == "Ana"
    assert running.infusion.number == 3  # the clinic's latest infusion

    process_due(db, stream, config, _now(conversation, 180))  # inactive
    finished = Conversation(CONVERSATION, start=conversation.clock + 3 * 3600)
    finished.run_answers(FULL_ANSWERS[2:]).complete()
    publish(stream, finished.events)
    fresh = summary_for_conversation(db, stream, CONVERSATION, now=_now(finished, 1))
    assert fresh.status == "complete"  # not the stale "inactive" snapshot
    process_due(db, stream, config, _now(finished, 1))
    stored = summary_for_conversation(db, stream, CONVERSATION, now=_now(finished, 2))
    assert stored.status == "complete"
    assert stored.generated_at == _now(finished, 1)  # the stored snapshot


def test_unknown_conversation_and_conversation_without_reflection(db, stream, patient):
    with pytest.raises(UnknownConversation):
        summary_for_conversation(db, stream, "nobody")
    with pytest.raises(NoSession):
        summary_for_conversation(db, stream, CONVERSATION)


def test_a_reflection_left_before_any_answer_is_stored_but_not_sent(
    db, stream, config, patient
):
    conversation = Conversation(CONVERSATION).listen().open_reflection()
    conversation.ask("mood_before")
    publish(stream, conversation.events)
    assert process_due(db, stream, config, _now(conversation, 180)) == 1
    assert _rows(db, SessionSummary)[0].reason == "inactive"
    assert _rows(db, Notification) == []
