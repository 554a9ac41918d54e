"""Unit tests: login throttle, login sessions, chart, queue order, transcripts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.portal.charts import TrendPoint, trend_chart
from bot.portal.logins import LoginSessionStore
from bot.portal.queue import build_queue, deliveries
from bot.portal.session_data import PatientSessions, session_slug, trend_points
from bot.portal.throttle import FailureCounter, LoginThrottle
from bot.store import Database
from bot.summary import Summary, Turn


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path) -> Database:  # noqa: ANN001
    database = Database(f"sqlite:///{tmp_path / 'throttle.db'}")
    database.create_schema()
    return database


def counter(clock: Clock, db: Database) -> FailureCounter:
    return FailureCounter(
        db,
        "account",
        max_failures=5,
        lockout_seconds=60,
        lockout_max_seconds=600,
        window_seconds=3600,
        clock=clock,
    )


def test_lockout_starts_at_the_fifth_failure_and_doubles(db: Database) -> None:
    clock = Clock()
    failures = counter(clock, db)
    for _ in range(4):
        failures.fail("a")
    assert failures.retry_after("a") == 0
    failures.fail("a")
    assert failures.retry_after("a") == 60
    clock.now += 60
    assert failures.retry_after("a") == 0
    failures.fail("a")
    assert failures.retry_after("a") == 120
    clock.now += 120
    for _ in range(5):
        failures.fail("a")
    assert failures.retry_after("a") == 600  # capped


def test_old_failures_are_forgotten_and_success_clears(db: Database) -> None:
    clock = Clock()
    failures = counter(clock, db)
    for _ in range(4):
        failures.fail("a")
    clock.now += 3601
    failures.fail("a")
    assert failures.retry_after("a") == 0
    throttle = LoginThrottle(db, 2, 10, 60, 600, 3600, clock=clock)
    throttle.failed("alice", "10.0.0.1")
    throttle.failed("alice", "10.0.0.1")
    assert throttle.retry_after("alice", "10.0.0.2") == 60
    throttle.succeeded("alice")
    assert throttle.retry_after("alice", "10.0.0.2") == 0


def test_loopback_failures_never_lock_out_other_clinicians(db: Database) -> None:
    # Without --behind-proxy every client is 127.0.0.1 (issue 13, item 8).
    throttle = LoginThrottle(db, 5, 20, 60, 900, 3600, clock=Clock())
    for number in range(50):
        throttle.failed(f"guess{number}@x.test", "127.0.0.1")
        throttle.failed(f"guess{number}@x.test", "::1")
    assert throttle.retry_after("admin@clinic.test", "127.0.0.1") == 0
    # A real client address behind a proxy is limited.
    for number in range(20):
        throttle.failed(f"guess{number}@x.test", "203.0.113.9")
    assert throttle.retry_after("admin@clinic.test", "203.0.113.9") == 60
    assert throttle.retry_after("admin@clinic.test", "198.51.100.1") == 0


def test_counts_survive_a_restart_and_are_shared(db: Database) -> None:
    clock = Clock()
    first = LoginThrottle(db, 3, 20, 60, 900, 3600, clock=clock)
    for _ in range(3):
        first.failed("alice", "127.0.0.1")
    # Another portal process, or the same one after a restart: same database.
    second = LoginThrottle(db, 3, 20, 60, 900, 3600, clock=clock)
    assert second.retry_after("alice", "127.0.0.1") == 60
    clock.now += 60
    second.failed("alice", "127.0.0.1")
    assert first.retry_after("alice", "127.0.0.1") == 120  # backoff, not a lock


def test_login_sessions_expire_when_idle_or_old() -> None:
    clock = Clock()
    store = LoginSessionStore(idle_seconds=100, max_seconds=250, clock=clock)
    sid = store.start(7)
    clock.now += 90
    assert store.touch(sid) == 7
    clock.now += 90
    assert store.touch(sid) == 7
    clock.now += 90  # active all along, but past the absolute limit
    assert store.touch(sid) is None
    idle = store.start(7)
    clock.now += 101
    assert store.touch(idle) is None
    assert store.touch("made-up") is None


def test_sessions_end_at_logout_and_deactivation() -> None:
    store = LoginSessionStore(idle_seconds=100, max_seconds=250, clock=Clock())
    first, second, other = store.start(1), store.start(1), store.start(2)
    store.end(first)
    assert store.touch(first) is None and store.touch(second) == 1
    store.end_all_for(1)
    assert store.touch(second) is None and store.touch(other) == 2


def test_chart_breaks_lines_at_gaps_and_escapes_labels() -> None:
    points = [
        TrendPoint("#1", 3, 5, 8),
        TrendPoint("#2", None, 6, 7),
        TrendPoint("<b>", 5, None, 6),
    ]
    svg = str(trend_chart(points))
    assert svg.count('<polyline class="line anxiety_before"') == 1
    assert svg.count('<polyline class="line mood_before"') == 0  # 3, gap, 5
    assert svg.count('<polyline class="line mood_after"') == 1
    assert svg.count('class="dot mood_before"') == 2
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert str(trend_chart([])) == ""


def _summary(key: str, start: datetime, end: datetime | None, **answers) -> Summary:
    return Summary.parse_obj(
        {
            "session_key": key,
            "reflection_id": int(key[1:]) if key.startswith("r") else None,
            "patient": {"conversation_id": "c"},
            "status": "complete" if end else "in_progress",
            "started_at": start,
            "ended_at": end,
            "mood": {"before": answers.get("mood"), "after": None},
            "anxiety": {"before": answers.get("anxiety"), "after": None},
        }
    )


T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_each_session_gets_its_own_turns() -> None:
    first = _summary("r1", T0, T0 + timedelta(minutes=20), mood=4)
    second = _summary("r2", T0 + timedelta(days=2), None, mood="skipped", anxiety=3)

    def turn(text: str, at: datetime) -> Turn:
        return Turn(role="patient", text=text, timestamp=at)

    turns = [
        turn("hello", T0 - timedelta(minutes=3)),  # opening of the first
        turn("answer", T0 + timedelta(minutes=5)),
        turn("thanks", T0 + timedelta(minutes=21)),  # after it ended
        turn("opening", T0 + timedelta(days=2, minutes=-2)),
        turn("latest", T0 + timedelta(days=3)),
    ]
    sessions = PatientSessions(patient=None, summaries=[first, second], turns=turns)
    assert [t.text for t in sessions.session_turns(0)] == ["hello", "answer", "thanks"]
    assert [t.text for t in sessions.session_turns(1)] == ["opening", "latest"]
    assert sessions.find("r2") == 1 and sessions.find("r9") is None
    points = trend_points([first, second])
    assert [(p.mood_before, p.anxiety_before) for p in points] == [(4, None), (None, 3)]


def test_session_slug_without_a_record() -> None:
    assert session_slug(_summary("events:c:x", T0, None)) == f"e{int(T0.timestamp())}"


def _record(id_: int, level: str, final: str | None, at: str, status="open", **kw):
    return {
        "id": id_,
        "level": level,
        "final_level": final,
        "effective_level": max(
            [level, final or "none"],
            key=("none", "low", "moderate", "high", "imminent").index,
        ),
        "status": status,
        "message_at": at,
        "notifications": kw.get("notifications", []),
        "acknowledged_at": kw.get("acknowledged_at"),
    }


def test_queue_order() -> None:
    records = [
        _record(1, "moderate", None, "2026-05-01T10:00:00+00:00"),
        _record(2, "high", None, "2026-05-01T09:00:00+00:00"),
        _record(3, "moderate", "imminent", "2026-05-01T08:00:00+00:00"),
        _record(4, "high", None, "2026-05-01T11:00:00+00:00"),
        _record(
            5,
            "imminent",
            None,
            "2026-05-01T12:00:00+00:00",
            status="acknowledged",
            acknowledged_at="2026-05-01T12:05:00+00:00",
        ),
        _record(6, "low", None, "2026-05-01T13:00:00+00:00"),
    ]
    queue = build_queue(records)
    assert [r["id"] for r in queue.open] == [3, 4, 2, 1, 6]
    assert [r["id"] for r in queue.acknowledged] == [5]
    assert queue.urgent_open == 3


def test_deliveries_show_the_newest_row_per_target() -> None:
    def row(
        id_, channel, target, status, attempts=0, error=None
    ):  # noqa: ANN001, ANN202
        return {
            "id": id_,
            "kind": "escalation",
            "channel": channel,
            "target": target,
            "status": status,
            "attempts": attempts,
            "last_error": error,
            "delivered_at": None,
            "next_attempt_at": None,
        }

    record = _record(
        1,
        "high",
        None,
        "2026-05-01T10:00:00+00:00",
        notifications=[
            row(1, "email", "a@x", "delivered", 1),
            row(2, "webhook", "http://h", "pending", 4, "timeout"),
            row(3, "email", "a@x", "pending", 0),  # a reminder
        ],
    )
    result = {d.target: d for d in deliveries(record)}
    assert result["a@x"].status == "pending" and result["a@x"].rows == 2
    assert result["http://h"].attempts == 4
    assert result["http://h"].last_error == "timeout"


def test_cli_registers_the_portal_command() -> None:
    import argparse

    from bot.portal import cli

    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["portal"])
    assert (args.host, args.port, args.behind_proxy) == ("127.0.0.1", 8000, False)
    args = parser.parse_args(["portal", "--port", "9000", "--behind-proxy"])
    assert args.port == 9000 and args.behind_proxy
    assert args.handler is cli.serve
