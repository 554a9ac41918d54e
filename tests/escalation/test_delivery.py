"""Delivering the outbox: webhooks and email, retries with backoff."""

from __future__ import annotations

import email
import email.policy
import random
from datetime import timedelta

from sqlalchemy import select

from bot.escalation import delivery
from bot.escalation.delivery import backoff_delay, deliver_due
from bot.escalation.timeutil import as_utc
from bot.escalation.worker import Worker
from bot.store.models import Escalation, Notification


def _worker(db, stream, config, clock, **kwargs):
    kwargs.setdefault("use_summary_hook", False)
    return Worker(db, stream, config, clock=clock, rng=random.Random(7), **kwargs)


def _notifications(db):
    with db.session() as s:
        return s.scalars(select(Notification).order_by(Notification.id)).all()


def test_backoff_doubles_up_to_the_maximum_with_jitter(config_factory):
    retry = config_factory().notifications.retry  # first 5 s, max 60 s
    rng = random.Random(1)
    for attempts, base in [(1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (9, 60)]:
        seconds = backoff_delay(attempts, retry, rng).total_seconds()
        assert base * 0.9 <= seconds <= base * 1.1
    # Retried forever: even absurd attempt counts stay at the maximum.
    assert backoff_delay(10_000, retry, rng) <= timedelta(seconds=66)


def test_webhook_503_then_200_is_delivered_after_backoff(
    db, stream, broker, clock, config_factory, http_endpoint
):
    http_endpoint.statuses = [503]
    config = config_factory(webhooks=[http_endpoint.url])
    broker.flagged("c1", "I want to die")
    worker = _worker(db, stream, config, clock)

    assert worker.tick().failed == 1
    [row] = _notifications(db)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 503")
    wait = as_utc(row.next_attempt_at) - clock()
    assert timedelta(seconds=4.5) <= wait <= timedelta(seconds=5.5)

    assert worker.tick().delivered == 0  # not due yet
    assert len(http_endpoint.requests) == 1

    clock.advance(seconds=6)
    assert worker.tick().delivered == 1
    [row] = _notifications(db)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, None)
    assert as_utc(row.delivered_at) == clock()
    status, body = http_endpoint.requests[-1]
    assert status == 200
    assert body["kind"] == "escalation" and body["level"] == "high"
    assert body["link"].endswith(f"/escalations/{body['escalation_id']}")
    assert "I want to die" not in str(body)
    with db.session() as s:
        assert as_utc(s.get(Escalation, body["escalation_id"]).last_notified_at) == (
            clock()
        )


def test_unreachable_webhook_is_retried_forever_with_growing_delay(
    db, stream, broker, clock, config_factory, closed_port
):
    config = config_factory(webhooks=[f"http://127.0.0.1:{closed_port}/hook"])
    broker.flagged("c1", "help")
    worker = _worker(db, stream, config, clock)
    delays = []
    for _ in range(7):
        worker.tick()
        [row] = _notifications(db)
        delays.append((as_utc(row.next_attempt_at) - clock()).total_seconds())
        clock.now = as_utc(row.next_attempt_at)
    assert row.status == "pending" and row.attempts == 7
    assert "URLError" in row.last_error
    assert delays[0] < delays[1] < delays[2] < delays[3]
    assert all(54 <= d <= 66 for d in delays[4:])  # capped at max_delay_seconds


def test_email_is_delivered_through_smtp(
    db, stream, broker, clock, patient, config_factory, smtp_sink
):
    config = config_factory(smtp_port=smtp_sink.port)
    broker.flagged("pt-known", "I have a plan tonight", level="imminent")
    assert _worker(db, stream, config, clock).tick().delivered == 1

    [message] = smtp_sink.messages
    assert message["rcpt"] == ["therapist@clinic.test"]
    mail = email.message_from_string(message["data"], policy=email.policy.default)
    assert mail["Subject"] == "[Afterglow] IMMINENT risk flag – action needed"
    assert mail["To"] == "therapist@clinic.test"
    assert mail["From"] == "afterglow@clinic.test"
    body = mail.get_content()
    assert "http://127.0.0.1:8000/escalations/1" in body
    assert "Pat Example" in body
    assert "plan tonight" not in message["data"]
    [row] = _notifications(db)
    assert row.status == "delivered"


def test_email_subject_is_readable():
    from bot.escalation.notifiers import render_email

    subject, body = render_email(
        "escalation", {"level": "high", "link": "http://p/escalations/3"}
    )
    assert subject == "[Afterglow] HIGH risk flag – action needed"
    assert "http://p/escalations/3" in body
    subject, _ = render_email("reminder", {"level": "imminent"})
    assert subject.startswith("[Afterglow] REMINDER: IMMINENT")


def test_smtp_down_is_a_recorded_failure(
    db, stream, broker, clock, patient, config_factory, closed_port
):
    config = config_factory(smtp_port=closed_port)
    broker.flagged("pt-known", "help")
    report = _worker(db, stream, config, clock).tick()
    assert report.failed == 1
    [row] = _notifications(db)
    assert row.status == "pending" and row.last_error == "ConnectionRefusedError"


def test_pending_rows_survive_a_restart(
    db, stream, broker, clock, config_factory, recorder
):
    config = config_factory(emails=["oncall@clinic.test"])
    broker.flagged("c1", "help")
    recorder.fail = True
    _worker(db, stream, config, clock, notifiers={"email": recorder}).tick()
    recorder.fail = False
    clock.advance(minutes=1)
    # A new worker process: nothing in memory, everything in the database.
    report = _worker(db, stream, config, clock, notifiers={"email": recorder}).tick()
    assert report.delivered == 1
    assert [target for target, _, _ in recorder.sent] == ["oncall@clinic.test"]


def test_a_crashing_notifier_only_reschedules_its_own_row(
    db, stream, broker, clock, config_factory, recorder
):
    def crashing(target, kind, payload):
        raise RuntimeError("boom with details that must not be stored")

    config = config_factory(emails=["oncall@clinic.test"], webhooks=["http://x.test/"])
    broker.flagged("c1", "help")
    notifiers = {"email": recorder, "webhook": crashing}
    report = _worker(db, stream, config, clock, notifiers=notifiers).tick()
    assert (report.delivered, report.failed) == (1, 1)
    rows = {row.channel: row for row in _notifications(db)}
    assert rows["email"].status == "delivered"
    assert rows["webhook"].status == "pending"
    assert rows["webhook"].last_error == "RuntimeError"


def test_claimed_rows_are_not_sent_twice(db, stream, broker, clock, config_factory):
    from bot.escalation.ingest import Ingestor
    from bot.escalation.outbox import Outbox

    config = config_factory(emails=["a@clinic.test", "b@clinic.test"])
    broker.flagged("c1", "help")
    Ingestor(db, stream, Outbox(config)).run(clock())
    first = delivery._claim(db, clock(), limit=10)
    assert len(first) == 2
    assert delivery._claim(db, clock(), limit=10) == []  # leased to the first
    clock.advance(seconds=delivery.LEASE.total_seconds() + 1)
    assert len(delivery._claim(db, clock(), limit=10)) == 2  # the worker died


def test_summary_rows_are_delivered_too(db, clock, config_factory, recorder):
    with db.session() as s:
        s.add(
            Notification(
                kind="summary",
                channel="email",
                target="t@clinic.test",
                payload={"kind": "summary", "link": "http://p/sessions/1"},
                next_attempt_at=clock(),
                created_at=clock(),
            )
        )
    retry = config_factory().notifications.retry
    report = deliver_due(db, {"email": recorder}, retry, clock())
    assert report.delivered == 1 and recorder.sent[0][1] == "summary"


def test_no_message_text_in_logs_during_delivery(
    db,
    stream,
    broker,
    clock,
    patient,
    config_factory,
    http_endpoint,
    closed_port,
    caplog,
):
    secret = "SECRET-PATIENT-WORDS"
    http_endpoint.statuses = [500]
    config = config_factory(
        webhooks=[http_endpoint.url, f"http://127.0.0.1:{closed_port}/"],
        smtp_port=closed_port,
    )
    broker.user("pt-known", f"earlier {secret}")
    broker.flagged("pt-known", f"I will do it {secret}")
    worker = _worker(db, stream, config, clock)
    with caplog.at_level("DEBUG"):
        worker.tick()
        clock.advance(minutes=5)
        worker.tick()
    assert "failed" in caplog.text and "delivered" in caplog.text
    assert secret not in caplog.text


def test_slow_targets_end_the_pass_after_the_time_budget(db, clock, config_factory):
    import time as real_time

    def slow(target, kind, payload):
        real_time.sleep(0.05)

    with db.session() as s:
        for i in range(12):
            s.add(
                Notification(
                    kind="summary",
                    channel="webhook",
                    target=f"http://x.test/{i}",
                    payload={},
                    next_attempt_at=clock(),
                    created_at=clock(),
                )
            )
    retry = config_factory().notifications.retry
    report = deliver_due(
        db, {"webhook": slow}, retry, clock(), budget_seconds=0.1, rng=random.Random()
    )
    assert report.delivered == delivery.CLAIM_CHUNK
    # The rest were never claimed: they are due right away in the next pass.
    report = deliver_due(db, {"webhook": slow}, retry, clock())
    assert report.delivered == 12 - delivery.CLAIM_CHUNK
