"""Reminders for unacknowledged escalations, acknowledgement, visibility."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from bot.escalation import (
    AlreadyAcknowledged,
    ClinicianNotFound,
    EscalationNotFound,
    NotPermitted,
    acknowledge,
    delivery_status,
    get_escalation,
    list_escalations,
)
from bot.escalation.worker import Worker
from bot.store.models import AuditEntry, Clinician, Notification, Patient


def _worker(db, stream, config, clock, recorder):
    return Worker(
        db,
        stream,
        config,
        clock=clock,
        notifiers={"email": recorder, "webhook": recorder},
        rng=random.Random(3),
        use_summary_hook=False,
    )


def _kinds(recorder):
    return [kind for _, kind, _ in recorder.sent]


@pytest.fixture
def admin(db):
    with db.session() as s:
        clinician = Clinician(
            email="admin@clinic.test", name="Admin", password_hash="x", role="admin"
        )
        s.add(clinician)
    return clinician


def test_reminder_after_renotify_minutes_until_acknowledged(
    db, stream, broker, clock, patient, config_factory, recorder
):
    config = config_factory(renotify={"high": 30})
    broker.flagged("pt-known", "I want to die", level="high")
    worker = _worker(db, stream, config, clock, recorder)
    worker.tick()
    assert _kinds(recorder) == ["escalation"]

    clock.advance(minutes=29)
    worker.tick()
    assert _kinds(recorder) == ["escalation"]

    clock.advance(minutes=2)
    worker.tick()
    assert _kinds(recorder) == ["escalation", "reminder"]
    assert recorder.sent[-1][2]["link"].endswith("/escalations/1")

    clock.advance(minutes=31)
    worker.tick()
    assert _kinds(recorder) == ["escalation", "reminder", "reminder"]

    acknowledge(db, 1, patient.therapist_id, "Called her, she is safe", now=clock())
    clock.advance(hours=5)
    worker.tick()
    assert _kinds(recorder) == ["escalation", "reminder", "reminder"]


def test_levels_without_renotify_get_no_reminders(
    db, stream, broker, clock, patient, config_factory, recorder
):
    config = config_factory(renotify={"high": 30})
    broker.flagged("pt-known", "everything is pointless", level="moderate")
    worker = _worker(db, stream, config, clock, recorder)
    worker.tick()
    clock.advance(hours=3)
    worker.tick()
    assert _kinds(recorder) == ["escalation"]


def test_a_target_that_stays_down_does_not_pile_up_reminders(
    db, stream, broker, clock, patient, config_factory, recorder
):
    config = config_factory(renotify={"imminent": 10})
    broker.flagged("pt-known", "tonight", level="imminent")
    worker = _worker(db, stream, config, clock, recorder)
    worker.tick()
    recorder.fail = True
    for _ in range(6):
        clock.advance(minutes=11)
        worker.tick()
    with db.session() as s:
        reminders = s.scalars(
            select(Notification).where(Notification.kind == "reminder")
        ).all()
    assert len(reminders) == 1 and reminders[0].attempts >= 2


def test_acknowledgement_is_recorded_audited_and_cancels_pending_reminders(
    db, stream, broker, clock, patient, config_factory, recorder
):
    config = config_factory(renotify={"high": 30})
    broker.flagged("pt-known", "I want to die", level="high")
    worker = _worker(db, stream, config, clock, recorder)
    worker.tick()
    recorder.fail = True
    clock.advance(minutes=31)
    worker.tick()  # a reminder is now pending (failing)

    record = acknowledge(
        db, 1, patient.therapist_id, "  Called, safe with family  ", now=clock()
    )
    assert record["status"] == "acknowledged"
    assert record["acknowledged_by_email"] == "therapist@clinic.test"
    assert record["acknowledgement_note"] == "Called, safe with family"
    assert record["acknowledged_at"] == clock().isoformat()
    statuses = {(n["kind"], n["status"]) for n in record["notifications"]}
    assert statuses == {("escalation", "delivered"), ("reminder", "cancelled")}

    with db.session() as s:
        [entry] = s.scalars(select(AuditEntry)).all()
    assert (entry.actor, entry.action, entry.object_id) == (
        "therapist@clinic.test",
        "acknowledge_escalation",
        "1",
    )
    assert entry.actor_id == patient.therapist_id
    assert "safe with family" not in str(entry.detail)

    recorder.fail = False
    clock.advance(hours=2)
    worker.tick()
    assert _kinds(recorder) == ["escalation"]
    with pytest.raises(AlreadyAcknowledged):
        acknowledge(db, 1, patient.therapist_id, None, now=clock())


def test_acknowledge_errors(db, stream, broker, clock, patient, config_factory, admin):
    broker.flagged("pt-known", "help")
    _worker(db, stream, config_factory(), clock, None).ingestor.run(clock())
    with db.session() as s:
        other = Clinician(email="o@clinic.test", name="O", password_hash="x")
        s.add(other)
    with pytest.raises(EscalationNotFound):
        acknowledge(db, 99, admin.id)
    with pytest.raises(ClinicianNotFound):
        acknowledge(db, 1, 999)
    with pytest.raises(NotPermitted):
        acknowledge(db, 1, other.id)
    assert acknowledge(db, 1, admin.id)["acknowledged_by"] == admin.id


def test_visibility_follows_the_patient_s_therapist(
    db, stream, broker, clock, patient, config_factory, admin
):
    broker.flagged("pt-known", "mine")
    broker.flagged("stranger", "nobody's")
    broker.flagged("pt-later", "registered later")
    _worker(db, stream, config_factory(), clock, None).ingestor.run(clock())
    with db.session() as s:
        other = Clinician(email="o@clinic.test", name="O", password_hash="x")
        s.add(other)
        s.flush()
        s.add(
            Patient(
                display_name="Later", therapist_id=other.id, conversation_id="pt-later"
            )
        )

    def messages(viewer_id):
        return [r["message"] for r in list_escalations(db, viewer_id=viewer_id)]

    assert messages(patient.therapist_id) == ["mine"]
    assert messages(other.id) == ["registered later"]
    assert messages(admin.id) == ["registered later", "nobody's", "mine"]
    assert get_escalation(db, 1, viewer_id=patient.therapist_id)["message"] == "mine"
    with pytest.raises(EscalationNotFound):
        get_escalation(db, 1, viewer_id=other.id)
    assert [
        r["id"] for r in list_escalations(db, status="open", newest_first=False)
    ] == [
        1,
        2,
        3,
    ]


def test_delivery_status_counts(db, stream, broker, clock, config_factory, recorder):
    config = config_factory(emails=["a@clinic.test"], webhooks=["http://x.test/"])
    broker.flagged("c1", "help")

    def webhook_down(target, kind, payload):
        from bot.escalation.notifiers import DeliveryError

        raise DeliveryError("HTTP 502")

    worker = _worker(db, stream, config, clock, recorder)
    worker.notifiers = {"email": recorder, "webhook": webhook_down}
    worker.tick()
    status = delivery_status(db)
    assert (status["pending"], status["delivered"], status["failing"]) == (1, 1, 1)
    assert status["oldest_pending_at"].startswith("2026-03-01T09:00")
