"""Fixtures of the portal tests: a seeded world, an app, logged-in clients."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.config import ClinicConfig
from bot.portal.app import create_app
from bot.portal.settings import PortalSettings
from bot.store import Database
from bot.store.events import EventStream
from tests.portal.portal_seed import PASSWORDS, SECRET_KEY, Seeded, seed, test_config

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
EMAILS = {
    "alice": "alice@clinic.test",
    "bob": "bob@clinic.test",
    "admin": "morgan@clinic.test",
}


@dataclass
class World:
    """A seeded portal: databases, configuration, ids and the app."""

    db: Database
    stream: EventStream
    config: ClinicConfig
    ids: Seeded
    app: FastAPI

    def client(self, who: str | None = None) -> TestClient:
        """A browser-like client, logged in as ``who`` (alice, bob, admin) or not."""
        client = TestClient(self.app)
        client.follow_redirects = False  # status codes are what the tests check
        if who is not None:
            login(client, EMAILS[who], PASSWORDS[EMAILS[who]])
        return client


def csrf_from(client: TestClient, path: str = "/login") -> str:
    match = CSRF_FIELD.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, email: str, password: str, next_path: str = "/"):
    token = csrf_from(client)
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": token,
            "next": next_path,
        },
    )


def api_token(client: TestClient) -> str:
    return client.get("/api/me").json()["csrf_token"]


def make_world(tmp_path: Path, **settings) -> World:
    db = Database(f"sqlite:///{tmp_path / 'afterglow.db'}")
    db.create_schema()
    stream = EventStream(f"sqlite:///{tmp_path / 'events.db'}")
    config = test_config()
    ids = seed(db, stream, config)
    app = create_app(
        db=db,
        stream=stream,
        config=config,
        settings=PortalSettings(secret_key=SECRET_KEY, **settings),
    )
    return World(db, stream, config, ids, app)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """One seeded portal per test module: for tests that change nothing shared."""
    return make_world(tmp_path_factory.mktemp("world"))


@pytest.fixture
def fresh_world(tmp_path: Path) -> World:
    """A seeded portal of the test's own, for tests that change data."""
    return make_world(tmp_path)


@pytest.fixture(autouse=True, scope="module")
def fast_password_hashing():
    """Cheap Argon2 parameters: the real ones cost ~0.4 s per login on CI.

    Module scope, so the real hasher is back for every other test directory.
    """
    from argon2 import PasswordHasher

    import bot.store.passwords as passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            passwords,
            "_hasher",
            PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
        )
        yield
