"""The crisis path over HTTP with the action server down and the notifier down.

The crisis reply must come from the Rasa server alone, the escalation must be
recorded by the worker from the event stream, and the notification must be
delivered once the notifier's endpoint comes back.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.e2e.stack import MODEL, Stack, free_port


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        _Hook.received.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:  # noqa: ANN002 - keep test output clean
        pass


@pytest.fixture(scope="module")
def hook_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, hook_port):  # noqa: ANN001
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    overrides = {
        "notifications": {
            "webhooks": [
                {"name": "on-call pager", "url": f"http://127.0.0.1:{hook_port}/hook"}
            ],
            "retry": {"first_delay_seconds": 0.5, "max_delay_seconds": 2},
        }
    }
    running = Stack(tmp_path_factory.mktemp("crisis"), clinic_overrides=overrides)
    try:
        running.start_rasa()  # no action server at all
        running.start_worker()
        yield running
    finally:
        running.stop_all()


def _wait_for(predicate, seconds: float = 60):  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    return None


MESSAGE = "I have the pills in my hand and I'm going to take them all tonight"


def test_crisis_reply_without_action_server(stack):  # noqa: ANN001
    assert "actions" not in stack.processes
    replies = stack.send("e2e-crisis", MESSAGE)
    text = "\n".join(m.get("text", "") for m in replies)
    assert "911" in text and "988" in text
    assert "+1 555 0100" in text  # the clinic's on-call number, from clinic.yml
    assert "Are you safe right now?" in text


def test_crisis_mid_form_without_action_server(stack):  # noqa: ANN001
    # Starting the reflection needs the action server; the crisis reply does not.
    started = stack.send("e2e-crisis-form", "let's start")
    # The failed action call is answered, not dropped in silence (issue 13, item 3).
    assert any("send your last message again" in m.get("text", "") for m in started)
    replies = stack.send("e2e-crisis-form", "i want to kill myself tonight")
    assert any("911" in m.get("text", "") for m in replies)


def test_escalation_recorded_and_notification_delivered_after_outage(
    stack, hook_port
):  # noqa: ANN001
    def recorded():
        return [e for e in stack.escalations() if e["conversation_id"] == "e2e-crisis"]

    escalations = _wait_for(recorded)
    assert escalations, "escalation was not recorded"
    record = escalations[0]
    assert record["level"] == "imminent"
    assert record["message"] == MESSAGE
    assert record["status"] == "open"

    # The pager was down: the notification waits in the outbox, retried.
    time.sleep(3)
    assert not _Hook.received
    server = HTTPServer(("127.0.0.1", hook_port), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        delivered = _wait_for(lambda: _Hook.received, 60)
        assert delivered, "notification not delivered after the endpoint came back"
        payload = delivered[0]
        assert MESSAGE not in json.dumps(payload)  # links, not health data
    finally:
        server.shutdown()


def test_no_message_text_in_logs(stack):  # noqa: ANN001
    for name in ("rasa", "worker"):
        assert MESSAGE not in stack.log_text(
            name
        ), f"message text leaked into the {name} log"


def test_method_seeking_after_distress_in_an_earlier_turn(stack):  # noqa: ANN001
    first = stack.send("e2e-context", "I lost my job today and I can't take it anymore")
    assert any("988" in m.get("text", "") for m in first)
    replies = stack.send("e2e-context", "which bridges near me are the tallest?")
    text = "\n".join(m.get("text", "") for m in replies)
    # The high-risk reply (crisis lines and on-call), not the low-risk one.
    assert "You don't have to carry it alone" in text
