"""The production configuration: patient channel only, everything from the env."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import read_endpoint_config

from bot.channels.patient import PatientInput

PRODUCTION = Path(__file__).resolve().parents[2] / "config" / "production"
ENVIRONMENT = {
    "AFTERGLOW_TRACKER_DB_URL": "postgresql://rasa:pw@db.internal:5432/tracker",
    "AFTERGLOW_BROKER_DB_URL": "postgresql://rasa:pw@db.internal:5432/events",
    "AFTERGLOW_REDIS_HOST": "redis.internal",
    "AFTERGLOW_REDIS_PORT": "6380",
    "AFTERGLOW_REDIS_PASSWORD": "redis-pw",
    "AFTERGLOW_ACTION_TOKEN": "t" * 40,
}


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AFTERGLOW_SECRET_KEY", "p" * 48)
    monkeypatch.setenv("AFTERGLOW_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")


def test_only_the_patient_channel_is_configured(production_env):
    channels = create_http_input_channels(None, str(PRODUCTION / "credentials.yml"))
    assert [type(channel) for channel in channels] == [PatientInput]
    (channel,) = channels
    assert channel.secure_cookies is True
    assert channel.session_lifetime.days == 30
    assert channel.start_payload == "/greet"


def test_stores_come_from_the_environment(production_env):
    endpoints = str(PRODUCTION / "endpoints.yml")
    tracker = read_endpoint_config(endpoints, "tracker_store")
    broker = read_endpoint_config(endpoints, "event_broker")
    lock = read_endpoint_config(endpoints, "lock_store")
    actions = read_endpoint_config(endpoints, "action_endpoint")

    assert (
        SQLTrackerStore.get_db_url(host=tracker.url)
        == ENVIRONMENT["AFTERGLOW_TRACKER_DB_URL"]
    )
    assert broker.type == "SQL"
    assert broker.url == ENVIRONMENT["AFTERGLOW_BROKER_DB_URL"]
    assert (lock.type, lock.url) == ("redis", "redis.internal")
    assert lock.kwargs["port"] == "6380"
    assert lock.kwargs["password"] == "redis-pw"
    assert lock.kwargs["use_ssl"] is False
    assert actions.url.startswith("http://127.0.0.1:")
    assert actions.headers == {"X-Afterglow-Action-Token": "t" * 40}


def test_a_missing_variable_stops_rasa_from_starting(production_env, monkeypatch):
    monkeypatch.delenv("AFTERGLOW_TRACKER_DB_URL")
    with pytest.raises(RasaException):
        read_endpoint_config(str(PRODUCTION / "endpoints.yml"), "tracker_store")


def test_no_secret_or_unauthenticated_channel_is_written_in_the_files():
    settings = [
        line.strip()
        for path in PRODUCTION.glob("*.yml")
        for line in path.read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert not any(line.startswith(("rest:", "socketio:")) for line in settings)
    assert "password: ${AFTERGLOW_REDIS_PASSWORD}" in settings
    assert [line for line in settings if "://" in line] == [
        'url: "http://127.0.0.1:5055/webhook"'
    ]
