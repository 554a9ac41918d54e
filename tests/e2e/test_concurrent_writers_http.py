"""Thirty patients at once while a reader holds every database for 20 seconds.

Before WAL mode and the busy timeout, Rasa's writes failed with "database is
locked" during a long read: 2 of 30 messages were lost, one of them a crisis
message whose escalation was never created. Here every message must get a
reply and be stored, and every crisis message must become an escalation and a
delivered notification. The figures go to ``fault-report.json`` beside the
stack's logs (docs/FAULT_REPORT.md records one run).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.e2e.stack import MODEL, Stack, free_port

PATIENTS = 30
CRISIS_EVERY = 3  # every third patient writes a crisis message
HOLD_SECONDS = 20
MARKER = "wombat"
CRISIS = f"i have the pills and i'm going to take them all tonight {MARKER}"
ORDINARY = f"hi, i had my infusion this morning, {MARKER} is my cat"


class _Pager(BaseHTTPRequestHandler):
    received: list = []
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        with _Pager.lock:
            _Pager.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(scope="module")
def pager():
    server = HTTPServer(("127.0.0.1", free_port()), _Pager)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, pager):  # noqa: ANN001
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    overrides = {
        "notifications": {
            "webhooks": [
                {
                    "name": "on-call pager",
                    "url": f"http://127.0.0.1:{pager.server_port}/hook",
                }
            ],
            "retry": {"first_delay_seconds": 0.5, "max_delay_seconds": 2},
        }
    }
    running = Stack(tmp_path_factory.mktemp("writers"), clinic_overrides=overrides)
    try:
        running.start_actions()
        running.start_rasa()
        running.start_worker()
        yield running
    finally:
        running.stop_all()


def _hold_databases(paths: list[str], started: threading.Event) -> None:
    """A long reader on every database (an export, a backup, a report)."""
    connections = [sqlite3.connect(path, timeout=60) for path in paths]
    try:
        for connection in connections:
            connection.execute("BEGIN")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
        started.set()
        time.sleep(HOLD_SECONDS)
    finally:
        for connection in connections:
            connection.rollback()
            connection.close()


def _count(path: str, sql: str, *args) -> int:  # noqa: ANN002
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, args).fetchone()[0]


def test_thirty_patients_during_a_long_read_lose_nothing(stack):  # noqa: ANN001
    # Every database exists and has its tables before the reader starts.
    for number in range(2):
        stack.send(f"e2e-warmup-{number}", "hello")
    var = stack.var
    paths = [str(var / name) for name in ("tracker.db", "events.db", "afterglow.db")]
    held = threading.Event()
    reader = threading.Thread(target=_hold_databases, args=(paths, held))
    reader.start()
    assert held.wait(30)

    senders = [f"e2e-writer-{number:02d}" for number in range(PATIENTS)]
    crisis = {s for i, s in enumerate(senders) if i % CRISIS_EVERY == 0}

    def one(sender: str) -> list[dict]:
        return stack.send(sender, CRISIS if sender in crisis else ORDINARY, timeout=120)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PATIENTS) as pool:
        replies = dict(zip(senders, pool.map(one, senders), strict=True))
    elapsed = time.monotonic() - started
    reader.join()

    answered = [s for s, messages in replies.items() if messages]
    crisis_answered = [
        s for s in crisis if any("988" in m.get("text", "") for m in replies[s])
    ]
    tracker_db, events_db, app_db = paths
    in_clause = ",".join("?" * PATIENTS)
    stored_tracker = _count(
        tracker_db,
        "SELECT count(*) FROM events WHERE type_name = 'user' "
        f"AND sender_id IN ({in_clause})",
        *senders,
    )
    stored_broker = _count(
        events_db,
        f"SELECT count(*) FROM events WHERE sender_id IN ({in_clause}) "
        'AND data LIKE \'%"event": "user"%\'',
        *senders,
    )

    def escalated() -> set[str]:
        return {
            e["conversation_id"]
            for e in stack.escalations()
            if e["conversation_id"] in crisis
        }

    deadline = time.monotonic() + 120
    while escalated() != crisis and time.monotonic() < deadline:
        time.sleep(1)
    escalations = escalated()
    while len(_Pager.received) < len(crisis) and time.monotonic() < deadline:
        time.sleep(1)
    delivered = _count(
        app_db,
        "SELECT count(*) FROM notifications WHERE kind = 'escalation' "
        "AND status = 'delivered'",
    )
    logs = "".join(stack.log_text(name) for name in ("rasa", "actions", "worker"))
    report = {
        "patients": PATIENTS,
        "reader_held_seconds": HOLD_SECONDS,
        "messages_sent": PATIENTS,
        "replies_received": len(answered),
        "stored_user_events_tracker": stored_tracker,
        "stored_user_events_broker": stored_broker,
        "crisis_messages": len(crisis),
        "crisis_replies_with_resources": len(crisis_answered),
        "escalations_created": len(escalations),
        "notifications_delivered": delivered,
        "pager_requests_received": len(_Pager.received),
        "lost": PATIENTS - min(len(answered), stored_tracker, stored_broker),
        "message_text_in_logs": logs.lower().count(MARKER),
        "database_locked_in_logs": logs.count("database is locked"),
        "seconds_for_all_replies": round(elapsed, 1),
    }
    (stack.workdir / "fault-report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))

    assert len(answered) == PATIENTS
    assert stored_tracker == stored_broker == PATIENTS
    assert len(crisis_answered) == len(crisis)
    assert escalations == crisis
    assert delivered >= len(crisis)
    assert report["lost"] == 0
    assert report["message_text_in_logs"] == 0
    assert report["database_locked_in_logs"] == 0
