"""``python -m bot summary``: output formats, errors, audit entries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.__main__ import main
from bot.store import AuditEntry

from .conftest import CONVERSATION, publish
from .rasa_events import completed_reflection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch, db, stream):
    monkeypatch.setenv("AFTERGLOW_DB_URL", db.url)
    monkeypatch.setenv("AFTERGLOW_BROKER_DB_URL", stream.url)
    return {
        **os.environ,
        "AFTERGLOW_DB_URL": db.url,
        "AFTERGLOW_BROKER_DB_URL": stream.url,
    }


def _audit(db):
    with db.session() as session:
        return [
            (entry.actor, entry.action, entry.object_id)
            for entry in session.execute(select(AuditEntry)).scalars()
        ]


def test_markdown_by_default_and_audited(env, db, stream, patient, capsys):
    publish(stream, completed_reflection(CONVERSATION).events)
    assert main(["summary", CONVERSATION]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Reflection summary: Ana")
    assert _audit(db) == [("cli", "view_summary", CONVERSATION)]


def test_json_format(env, stream, patient, capsys):
    publish(stream, completed_reflection(CONVERSATION).events)
    assert main(["summary", CONVERSATION, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "complete" and data["patient"]["display_name"] == "Ana"


def test_transcript_is_audited_separately(env, db, stream, patient, capsys):
    publish(stream, completed_reflection(CONVERSATION).events)
    assert main(["summary", CONVERSATION, "--transcript"]) == 0
    out = capsys.readouterr().out
    assert "patient: I always ruin everything" in out
    assert _audit(db) == [("cli", "view_transcript", CONVERSATION)]


def test_conversation_without_reflection(env, patient, capsys):
    assert main(["summary", CONVERSATION]) == 1
    assert "has no reflection yet" in capsys.readouterr().err


def test_unknown_conversation_exits_2_with_a_clear_error(env, db):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "summary", "no-such-conversation"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown conversation id 'no-such-conversation'" in result.stderr
    assert _audit(db) == []
