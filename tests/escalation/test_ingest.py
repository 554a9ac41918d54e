"""Ingesting flagged messages from the broker table into escalations."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.escalation.ingest import CURSOR_NAME, Ingestor
from bot.escalation.outbox import Outbox
from bot.store.models import Escalation, Notification, WorkerCursor


def _ingestor(db, stream, config, batch_size=200):
    return Ingestor(db, stream, Outbox(config), batch_size=batch_size)


def _escalations(db):
    with db.session() as s:
        return s.scalars(select(Escalation).order_by(Escalation.id)).all()


def test_flagged_user_event_creates_escalation(
    db, stream, broker, clock, patient, config_factory
):
    for i in range(6):
        broker.user("pt-known", f"ordinary message {i}")
        clock.advance(seconds=30)
    position = broker.flagged(
        "pt-known", "I took all my pills", level="imminent", category="plan_means"
    )
    broker.user("someone-else", "flag me not")

    report = _ingestor(db, stream, config_factory()).run(clock())

    assert report.escalations == 1
    [escalation] = _escalations(db)
    assert escalation.source_event_id == f"broker:{position}"
    assert escalation.conversation_id == "pt-known"
    assert escalation.patient_id == patient.id
    assert (escalation.level, escalation.category) == ("imminent", "plan_means")
    assert escalation.message == "I took all my pills"
    assert escalation.detector_version == "2026.11.1"
    assert escalation.evidence[0]["rule"] == "plan_means.test"
    assert [c["text"] for c in escalation.context] == [
        f"ordinary message {i}" for i in range(1, 6)
    ]
    assert all(c["at"].endswith("+00:00") for c in escalation.context)
    assert escalation.message_at.replace(tzinfo=None) == clock().replace(tzinfo=None)
    assert escalation.status == "open"


def test_unflagged_and_none_level_messages_are_ignored(
    db, stream, broker, clock, config_factory
):
    broker.user("c1", "hello")
    broker.user("c1", "fine", crisis={"level": "none", "category": None})
    assert _ingestor(db, stream, config_factory()).run(clock()).escalations == 0
    assert _escalations(db) == []


def test_routing_intent_without_verdict_is_flagged(
    db, stream, broker, clock, config_factory
):
    broker.user("c1", "/medical_emergency", intent="medical_emergency")
    broker.user("c2", "help", intent="crisis_low")
    _ingestor(db, stream, config_factory()).run(clock())
    levels = [(e.conversation_id, e.level, e.category) for e in _escalations(db)]
    assert levels == [
        ("c1", "imminent", "medical_emergency"),
        ("c2", "low", "unspecified"),
    ]


def test_rerun_is_idempotent_even_from_position_zero(
    db, stream, broker, clock, patient, config_factory
):
    broker.flagged("pt-known", "I want to die")
    broker.bot("pt-known", "I'm here with you", "utter_crisis_high")
    config = config_factory(emails=["oncall@clinic.test"])
    _ingestor(db, stream, config).run(clock())
    _ingestor(db, stream, config).run(clock())
    with db.session() as s:  # a lost cursor must not duplicate anything either
        s.get(WorkerCursor, CURSOR_NAME).position = 0
    _ingestor(db, stream, config).run(clock())

    [escalation] = _escalations(db)
    assert len(escalation.bot_response) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 2


def test_cursor_survives_a_new_worker_instance(
    db, stream, broker, clock, config_factory
):
    config = config_factory()
    broker.flagged("c1", "first")
    _ingestor(db, stream, config).run(clock())
    broker.flagged("c1", "second")
    # A restart: a fresh ingestor over the same databases.
    report = _ingestor(db, stream, config).run(clock())
    assert report.events == 1
    assert [e.message for e in _escalations(db)] == ["first", "second"]
    with db.session() as s:
        assert s.get(WorkerCursor, CURSOR_NAME).position == 2


def test_small_batches_cover_the_whole_stream(
    db, stream, broker, clock, config_factory
):
    for i in range(7):
        broker.flagged(f"c{i}", f"msg {i}")
    report = _ingestor(db, stream, config_factory(), batch_size=3).run(clock())
    assert report.events == 7 and report.escalations == 7


def test_bot_response_captured_across_batches(
    db, stream, broker, clock, config_factory
):
    config = config_factory()
    broker.user("c1", "before")
    broker.bot("c1", "answer to before")
    broker.flagged("c1", "I can't go on")
    broker.bot("c1", "You matter. Call 988.", "utter_crisis_high")
    broker.bot("other", "not this conversation")
    _ingestor(db, stream, config).run(clock())

    broker.bot("c1", "Are you safe right now?", "utter_ask_cssrs_wish_dead")
    _ingestor(db, stream, config).run(clock())
    broker.user("c1", "yes")
    broker.bot("c1", "reply to the next message")
    _ingestor(db, stream, config).run(clock())

    [escalation] = _escalations(db)
    assert [(r["text"], r.get("utter_action")) for r in escalation.bot_response] == [
        ("You matter. Call 988.", "utter_crisis_high"),
        ("Are you safe right now?", "utter_ask_cssrs_wish_dead"),
    ]


def test_unknown_patient_keeps_escalation_and_warns_once(
    db, stream, broker, clock, config_factory, caplog
):
    broker.flagged("stranger", "goodbye everyone", category="goodbye")
    broker.flagged("stranger", "goodbye again", category="goodbye")
    with caplog.at_level("INFO"):
        _ingestor(db, stream, config_factory()).run(clock())
    escalations = _escalations(db)
    assert [e.patient_id for e in escalations] == [None, None]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "no notification target" in warnings[0].getMessage()


def test_unknown_patient_goes_to_configured_targets_only(
    db, stream, broker, clock, patient, config_factory
):
    config = config_factory(
        emails=["oncall@clinic.test"], webhooks=["http://127.0.0.1:9/h"]
    )
    broker.flagged("stranger", "I want to die")
    _ingestor(db, stream, config).run(clock())
    with db.session() as s:
        targets = sorted(n.target for n in s.scalars(select(Notification)))
    assert targets == ["http://127.0.0.1:9/h", "oncall@clinic.test"]


def test_known_patient_notifies_therapist_and_configured_targets(
    db, stream, broker, clock, patient, config_factory
):
    config = config_factory(emails=["oncall@clinic.test", "Therapist@clinic.test"])
    broker.flagged("pt-known", "I want to die")
    _ingestor(db, stream, config).run(clock())
    with db.session() as s:
        rows = s.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.channel, n.target) for n in rows] == [
        ("email", "therapist@clinic.test"),
        ("email", "oncall@clinic.test"),
    ]
    payload = rows[0].payload
    assert payload["patient"] == "Pat Example"
    assert (
        payload["link"]
        == f"http://127.0.0.1:8000/escalations/{payload['escalation_id']}"
    )
    assert "I want to die" not in str(payload)


def test_webhook_kinds_are_respected(db, stream, broker, clock, config_factory):
    from bot.config import Webhook

    config = config_factory()
    notifications = config.notifications.copy(
        update={
            "webhooks": [
                Webhook(name="summaries", url="http://x.test/", kinds=["summary"])
            ]
        }
    )
    config = config.copy(update={"notifications": notifications})
    broker.flagged("c1", "I want to die")
    _ingestor(db, stream, config).run(clock())
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0


def test_malformed_events_are_skipped_not_fatal(
    db, stream, broker, clock, config_factory
):
    broker.raw("c1", "{not json")
    broker.raw("c1", "[1, 2]")
    broker.publish("c1", {"event": "user", "text": None, "parse_data": "garbage"})
    broker.publish(
        "c1", {"event": "user", "parse_data": {"crisis": "high", "intent": 3}}
    )
    broker.publish("c1", {"event": "bot", "text": {"odd": 1}})
    broker.flagged("c1", "real one")
    report = _ingestor(db, stream, config_factory()).run(clock())
    assert report.events == 6
    assert [e.message for e in _escalations(db)] == ["real one"]


def test_unrecognized_level_is_read_as_high(db, stream, broker, clock, config_factory):
    broker.user("c1", "hmm", crisis={"level": "severe", "category": "explicit_si"})
    _ingestor(db, stream, config_factory()).run(clock())
    assert [e.level for e in _escalations(db)] == ["high"]


def test_no_message_text_in_logs_during_ingest(
    db, stream, broker, clock, patient, config_factory, caplog
):
    secret = "SECRET-PATIENT-WORDS"
    broker.user("pt-known", f"context {secret}")
    broker.flagged("pt-known", f"I will end it {secret}")
    broker.bot("pt-known", f"bot says {secret}")
    broker.raw("pt-known", f"{{broken {secret}")
    broker.user(
        "stranger", f"{secret}", crisis={"level": "low", "category": "hopelessness"}
    )
    with caplog.at_level("DEBUG"):
        _ingestor(db, stream, config_factory()).run(clock())
    assert len(_escalations(db)) == 2
    assert caplog.records
    assert secret not in caplog.text
