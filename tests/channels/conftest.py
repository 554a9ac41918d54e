"""Fixtures for the patient channel: a database with patients, a stub-bot server."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest

from bot.channels.invites import create_invite
from bot.store import Clinician, Database, Patient
from tests.e2e.stack import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
STUB_BOT = Path(__file__).resolve().parent / "channel_stub_bot.py"
SECRET_KEY = "test-secret-key-for-the-patient-channel-0123456789"
_patient_numbers = itertools.count(1)


@dataclass
class ChatServer:
    """A running server with the patient channel, and the database it uses."""

    base_url: str
    database: Database
    make_patient: Callable[..., int]

    def invite(self, patient_id: int, **kwargs) -> str:
        """A fresh invite link for ``patient_id``."""
        _, url = create_invite(
            self.database,
            patient_id,
            base_url=self.base_url,
            secret_key=SECRET_KEY,
            **kwargs,
        )
        return url

    def url(self, route: str = "") -> str:
        return f"{self.base_url}/webhooks/patient/{route}"


def patient_factory(database: Database) -> Callable[..., int]:
    """A function creating an active patient (own conversation id); returns its id."""
    with database.session() as session:
        therapist = session.query(Clinician).filter_by(email="t@clinic.test").first()
        if therapist is None:
            therapist = Clinician(email="t@clinic.test", name="T", password_hash="x")
            session.add(therapist)
            session.flush()
        therapist_id = therapist.id

    def make_patient(locale: str = "en") -> int:
        number = next(_patient_numbers)
        with database.session() as session:
            patient = Patient(
                display_name=f"Patient {number}",
                therapist_id=therapist_id,
                conversation_id=f"conversation-{number}-{os.getpid()}",
                locale=locale,
            )
            session.add(patient)
            session.flush()
            return patient.id

    return make_patient


@pytest.fixture
def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'afterglow.db'}")
    db.create_schema()
    return db


@pytest.fixture
def make_patient(database: Database) -> Callable[..., int]:
    return patient_factory(database)


def _wait_until_up(
    url: str, process: subprocess.Popen, log: BinaryIO, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = Path(log.name).read_text(errors="replace")[-2000:]
            raise RuntimeError(f"stub server exited ({process.returncode}):\n{output}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"stub server not up after {timeout}s")


@pytest.fixture(scope="session")
def stub_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatServer]:
    """The patient channel on a stub bot, in its own process on a free port."""
    workdir = tmp_path_factory.mktemp("channel")
    db_url = f"sqlite:///{workdir / 'afterglow.db'}"
    log = (workdir / "server.log").open("wb")
    database = Database(db_url)
    database.create_schema()
    port = free_port()
    env = {**os.environ, "AFTERGLOW_SECRET_KEY": SECRET_KEY, "AFTERGLOW_DB_URL": db_url}
    process = subprocess.Popen(
        [sys.executable, str(STUB_BOT), "--port", str(port), "--db", db_url],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/webhooks/patient/static/chat.css", process, log)
        yield ChatServer(base_url, database, patient_factory(database))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Headless Debian Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from tests.channels.browser_phone import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
