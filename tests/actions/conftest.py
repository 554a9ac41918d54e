"""Real rasa_sdk ``Tracker`` fixtures and a private database for action tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.store import Database

ROOT = Path(__file__).resolve().parents[2]
_MESSAGE_FIELDS = {"text", "buttons", "elements", "custom", "template", "response"}
_MESSAGE_FIELDS |= {"image", "attachment"}


@lru_cache(maxsize=1)
def _responses() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]


def rendered(dispatcher: CollectingDispatcher) -> str:
    """What the patient reads: each response filled in as Rasa fills it in."""
    lines = []
    for message in dispatcher.messages:
        name = message.get("response")
        if not name:
            lines.append(message.get("text") or "")
            continue
        variants = _responses().get(name)
        if variants is None:  # a clinic response (bot.clinic_responses)
            lines.append(name)
            continue
        english = next(v for v in variants if "condition" not in v)
        values = {k: v for k, v in message.items() if k not in _MESSAGE_FIELDS}
        lines.append(interpolate_text(english["text"], values))
    return "\n".join(lines)


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
