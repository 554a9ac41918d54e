"""Fixtures: a fresh application database, event stream and clinic config."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import yaml

from bot.config import DEFAULT_CONFIG_PATH, ClinicConfig
from bot.store import Clinician, Database, Infusion, Patient
from bot.store.events import EventStream, broker_events

CONVERSATION = "conv-1"
HOOK_URL = "https://hooks.clinic.invalid/summaries"


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'afterglow.db'}")
    database.create_schema()
    return database


@pytest.fixture
def stream(tmp_path) -> EventStream:
    return EventStream(f"sqlite:///{tmp_path / 'events.db'}")


def clinic_config(**summaries) -> ClinicConfig:
    """The repository's clinic file with two webhooks and summary settings."""
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["notifications"]["webhooks"] = [
        {"name": "summaries", "url": HOOK_URL, "kinds": ["summary"]},
        {"name": "pager", "url": "https://pager.invalid/x", "kinds": ["escalation"]},
    ]
    raw["summaries"] = {"inactivity_minutes": 120, **summaries}
    return ClinicConfig.parse_obj(raw)


@pytest.fixture
def config() -> ClinicConfig:
    return clinic_config()


@pytest.fixture
def patient(db) -> int:
    """Ana, therapist Dr Lee, infusion #3 given the morning before (the id)."""
    with db.session() as session:
        therapist = Clinician(
            email="Lee@Clinic.invalid", name="Dr Lee", password_hash="x"
        )
        session.add(therapist)
        session.flush()
        ana = Patient(
            display_name="Ana", therapist_id=therapist.id, conversation_id=CONVERSATION
        )
        session.add(ana)
        session.flush()
        session.add(
            Infusion(
                patient_id=ana.id,
                number=3,
                administered_at=datetime(2026, 5, 11, 18, 0, tzinfo=timezone.utc),
            )
        )
        return ana.id


def publish(stream: EventStream, events, sender: str = CONVERSATION) -> None:
    """Write events the way Rasa's SQL event broker does."""
    with stream.engine.begin() as connection:
        for event in events:
            connection.execute(
                broker_events.insert().values(sender_id=sender, data=json.dumps(event))
            )
