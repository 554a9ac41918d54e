"""Fixtures for the escalation tests: temp databases, a broker writer, a clock,
a local HTTP endpoint and a local SMTP sink (all on 127.0.0.1)."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from rasa.shared.core.events import BotUttered, SessionStarted, SlotSet, UserUttered
from sqlalchemy import insert

from bot.config import (
    DEFAULT_CONFIG_PATH,
    Notifications,
    Retry,
    Smtp,
    Webhook,
    load_config,
)
from bot.store.db import Database
from bot.store.events import EventStream, broker_events
from bot.store.models import Clinician, Patient

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


class FakeClock:
    """An injectable clock the tests move by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


class BrokerWriter:
    """Writes rows the way Rasa's SQLEventBroker does (sender_id + as_dict)."""

    def __init__(self, stream: EventStream, clock: FakeClock) -> None:
        self.stream = stream
        self.clock = clock

    def publish(self, sender_id: str, event: dict[str, Any]) -> int:
        body = {"sender_id": sender_id}
        body.update(event)
        return self.raw(sender_id, json.dumps(body))

    def raw(self, sender_id: str, data: str) -> int:
        with self.stream.engine.begin() as connection:
            result = connection.execute(
                insert(broker_events).values(sender_id=sender_id, data=data)
            )
            return result.inserted_primary_key[0]

    def user(
        self,
        sender_id: str,
        text: str,
        crisis: dict[str, Any] | None = None,
        intent: str = "inform",
    ) -> int:
        parse_data: dict[str, Any] = {
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [],
            "text": text,
        }
        if crisis is not None:
            parse_data["crisis"] = crisis
        event = UserUttered(
            text,
            parse_data["intent"],
            [],
            parse_data=parse_data,
            timestamp=self.clock().timestamp(),
        )
        return self.publish(sender_id, event.as_dict())

    def flagged(
        self,
        sender_id: str,
        text: str,
        level: str = "high",
        category: str = "explicit_si",
    ) -> int:
        verdict = {
            "level": level,
            "category": category,
            "evidence": [
                {"rule": f"{category}.test", "text": text, "start": 0, "end": 3}
            ],
            "language": "en",
            "detector_version": "2026.11.1",
        }
        return self.user(sender_id, text, crisis=verdict, intent=f"crisis_{level}")

    def bot(self, sender_id: str, text: str, utter_action: str | None = None) -> int:
        metadata = {"utter_action": utter_action} if utter_action else {}
        event = BotUttered(text, metadata=metadata, timestamp=self.clock().timestamp())
        return self.publish(sender_id, event.as_dict())

    def slot(self, sender_id: str, name: str, value: Any) -> int:
        event = SlotSet(name, value, timestamp=self.clock().timestamp())
        return self.publish(sender_id, event.as_dict())

    def session_started(self, sender_id: str) -> int:
        event = SessionStarted(timestamp=self.clock().timestamp())
        return self.publish(sender_id, event.as_dict())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'afterglow.db'}")
    database.create_schema()
    return database


@pytest.fixture
def stream(tmp_path) -> EventStream:
    return EventStream(f"sqlite:///{tmp_path / 'events.db'}")


@pytest.fixture
def broker(stream, clock) -> BrokerWriter:
    return BrokerWriter(stream, clock)


def make_config(
    *,
    webhooks: list[str] = (),
    emails: list[str] = (),
    smtp_port: int = 25,
    renotify: dict[str, float] | None = None,
):
    base = load_config(DEFAULT_CONFIG_PATH)
    notifications = Notifications(
        webhooks=[Webhook(name=f"hook{i}", url=url) for i, url in enumerate(webhooks)],
        emails=list(emails),
        smtp=Smtp(host="127.0.0.1", port=smtp_port, sender="afterglow@clinic.test"),
        retry=Retry(first_delay_seconds=5, max_delay_seconds=60),
        renotify_minutes=renotify
        if renotify is not None
        else {"imminent": 10, "high": 30},
    )
    return base.copy(update={"notifications": notifications})


@pytest.fixture
def config_factory():
    return make_config


@pytest.fixture
def patient(db) -> Patient:
    with db.session() as s:
        therapist = Clinician(
            email="therapist@clinic.test",
            name="Dr T",
            password_hash="x",
            role="therapist",
        )
        s.add(therapist)
        s.flush()
        patient = Patient(
            display_name="Pat Example",
            therapist_id=therapist.id,
            conversation_id="pt-known",
        )
        s.add(patient)
    return patient


class RecordingNotifier:
    """A notifier that remembers what it was asked to send, and can fail."""

    def __init__(self) -> None:
        self.sent: list[tuple] = []
        self.fail = False

    def __call__(self, target: str, kind: str, payload: dict[str, Any]) -> None:
        if self.fail:
            from bot.escalation.notifiers import DeliveryError

            raise DeliveryError("HTTP 503")
        self.sent.append((target, kind, dict(payload)))


@pytest.fixture
def recorder() -> RecordingNotifier:
    return RecordingNotifier()


# ------------------------------------------------------------ local servers


class _FlakyHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status = server.statuses.pop(0) if server.statuses else 200
        server.requests.append((status, json.loads(body)))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_endpoint(monkeypatch):
    """A webhook receiver on 127.0.0.1; set ``.statuses`` to script answers."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = HTTPServer(("127.0.0.1", 0), _FlakyHandler)
    server.statuses = []
    server.requests = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib.send_message."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        envelope: dict[str, Any] = {"rcpt": []}
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                envelope = {"from": line, "rcpt": []}
                self.reply("250 ok")
            elif verb == "RCPT":
                envelope["rcpt"].append(line.split(":", 1)[1].strip(" <>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                lines = []
                while True:
                    data = self.rfile.readline().decode("utf-8", "replace")
                    if data.rstrip("\r\n") == ".":
                        break
                    lines.append(data)
                envelope["data"] = "".join(lines)
                self.server.messages.append(envelope)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.messages = []
    server.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A local port nobody listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
