"""Rasa's action calls: retried when undelivered, answered when they fail (item 3)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.components import action_calls

DOMAIN = Domain.from_dict(
    {
        "slots": {"mood_before": {"type": "any", "mappings": [{"type": "custom"}]}},
        "responses": {
            "utter_action_failed": [{"text": "Sorry, please send that again."}]
        },
        "actions": ["action_start_reflection"],
    }
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _ActionServer(BaseHTTPRequestHandler):
    status = 200
    calls = 0

    def do_POST(self) -> None:  # noqa: N802
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = {"events": [{"event": "slot", "name": "mood_before", "value": 5}]}
        payload = json.dumps(body if self.status == 200 else {"error": "x"}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch):
    monkeypatch.setattr(action_calls, "RETRY_DELAYS", (0.05, 0.1, 0.2))
    action_calls.install()


def _run(port: int) -> list:
    action = RemoteAction(
        "action_start_reflection",
        EndpointConfig(f"http://127.0.0.1:{port}/webhook"),
    )
    tracker = DialogueStateTracker.from_events("p1", [], slots=DOMAIN.slots)
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, DOMAIN))


def test_an_action_server_that_is_down_gets_the_patient_told():
    events = _run(_free_port())  # nothing listens there
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text == "Sorry, please send that again."


def test_a_call_is_sent_again_once_the_server_is_back():
    port = _free_port()
    servers: list[HTTPServer] = []

    def come_up() -> None:  # while the first attempts are being refused
        servers.append(HTTPServer(("127.0.0.1", port), _ActionServer))
        servers[0].serve_forever()

    _ActionServer.calls = 0
    timer = threading.Timer(0.12, come_up)
    timer.daemon = True
    timer.start()
    try:
        events = _run(port)
    finally:
        timer.join(0.5)
        for server in servers:
            server.shutdown()
    assert events == [SlotSet("mood_before", 5)]
    assert _ActionServer.calls == 1


def test_a_failing_action_is_answered_not_retried():
    _ActionServer.status, _ActionServer.calls = 500, 0
    server = HTTPServer(("127.0.0.1", _free_port()), _ActionServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        events = _run(server.server_port)
    finally:
        server.shutdown()
        _ActionServer.status = 200
    # The call arrived (it may have run): not sent twice, and the patient is told.
    assert _ActionServer.calls == 1
    assert [type(event) for event in events] == [BotUttered]


def test_undelivered_means_refused_or_cut_off_while_writing():
    refused = OSError("connect failed")
    assert not action_calls.never_delivered(refused)
    closing = ConnectionResetError("Cannot write to closing transport")
    wrapped = RuntimeError("Failed to execute custom action")
    wrapped.__context__ = closing
    assert action_calls.never_delivered(wrapped)
    assert not action_calls.never_delivered(RuntimeError("500"))
