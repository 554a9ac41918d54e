"""Real rasa_sdk ``Tracker`` fixtures and a private database for action tests."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.store import Database


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    active_loop: str | None = "reflection_form",
    sender_id: str = "test-conversation",
) -> Tracker:
    """A tracker as the action server receives it from Rasa."""
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": dict(slots or {}),
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def database(tmp_path, monkeypatch) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'app.db'}")
    db.create_schema()
    for module in ("actions.reflection", "actions.crisis"):
        monkeypatch.setattr(f"{module}.get_database", lambda: db)
    return db
