"""The C-SSRS screener settling an escalation's final level."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.escalation import service
from bot.escalation.ingest import Ingestor
from bot.escalation.outbox import Outbox
from bot.store.models import Clinician, Escalation, Notification


@dataclass
class _Level:
    label: str


def _fake_cssrs(calls):
    """A stand-in with the interface actions/crisis.py uses."""

    class ScreenerAnswers(dict):
        @classmethod
        def from_slots(cls, slots):
            calls.append(dict(slots))
            return cls(slots)

    def settle_level(answers):
        if answers.get("wish_dead") is None:
            return None
        if answers.get("intent") or answers.get("plan"):
            return _Level("imminent")
        if answers.get("method"):
            return _Level("high")
        return _Level("moderate" if answers.get("suicidal_thoughts") else "low")

    module = types.ModuleType("bot.safety.cssrs")
    module.ScreenerAnswers = ScreenerAnswers
    module.settle_level = settle_level
    return module


@pytest.fixture
def cssrs_calls(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "bot.safety.cssrs", _fake_cssrs(calls))
    return calls


def _run(db, stream, config, clock):
    return Ingestor(db, stream, Outbox(config)).run(clock())


def _state(db):
    with db.session() as s:
        escalations = s.scalars(select(Escalation).order_by(Escalation.id)).all()
        notifications = s.scalars(select(Notification).order_by(Notification.id)).all()
        return escalations, [(n.kind, n.payload.get("reason")) for n in notifications]


def test_screener_raises_level_and_notifies_again(
    db, stream, broker, clock, config_factory, cssrs_calls
):
    config = config_factory(emails=["oncall@clinic.test"])
    broker.flagged(
        "c1", "I don't want to be here", level="moderate", category="passive_si"
    )
    broker.bot("c1", "Can I ask you a few questions?")
    _run(db, stream, config, clock)
    broker.slot("c1", "cssrs_wish_dead", True)
    broker.slot("c1", "cssrs_suicidal_thoughts", True)
    _run(db, stream, config, clock)  # answers arrive in separate batches
    broker.slot("c1", "cssrs_method", True)
    broker.slot("c1", "cssrs_intent", True)
    broker.slot("c1", "risk_level_final", "imminent")  # not a screener answer
    _run(db, stream, config, clock)

    [escalation], sent = _state(db)
    assert (escalation.level, escalation.final_level) == ("moderate", "imminent")
    # The detector's flag, then again each time the screener went higher
    # than anything sent so far (high, then imminent).
    assert sent == [
        ("escalation", None),
        ("escalation", "cssrs_raised"),
        ("escalation", "cssrs_raised"),
    ]
    assert cssrs_calls[-1] == {
        "wish_dead": True,
        "suicidal_thoughts": True,
        "method": True,
        "intent": True,
        "plan": None,
        "behavior": None,
    }


def test_screener_settling_lower_does_not_notify(
    db, stream, broker, clock, config_factory, cssrs_calls
):
    config = config_factory(emails=["oncall@clinic.test"])
    broker.flagged("c1", "I want to die", level="high")
    for name in ("wish_dead", "suicidal_thoughts", "method", "intent", "plan"):
        broker.slot("c1", f"cssrs_{name}", False)
    _run(db, stream, config, clock)
    [escalation], sent = _state(db)
    assert escalation.final_level == "low"
    assert sent == [("escalation", None)]


def test_screener_settles_the_latest_open_escalation(
    db, stream, broker, clock, config_factory, cssrs_calls
):
    config = config_factory()
    broker.flagged("c1", "first flag", level="low")
    broker.flagged("c1", "second flag", level="low")
    _run(db, stream, config, clock)
    with db.session() as s:
        s.add(Clinician(email="a@c.test", name="A", password_hash="x", role="admin"))
    service.acknowledge(db, 2, 1, "called the patient")
    broker.slot("c1", "cssrs_wish_dead", True)
    _run(db, stream, config, clock)
    first, second = _state(db)[0]
    assert (first.final_level, second.final_level) == ("low", None)


def test_answers_from_an_earlier_session_do_not_count(
    db, stream, broker, clock, config_factory, cssrs_calls
):
    config = config_factory()
    broker.slot("c1", "cssrs_method", True)
    broker.session_started("c1")
    broker.flagged("c1", "help", level="moderate")
    broker.slot("c1", "cssrs_wish_dead", False)
    _run(db, stream, config, clock)
    assert cssrs_calls[-1]["method"] is None
    assert _state(db)[0][0].final_level == "low"


def test_missing_screener_module_is_logged_not_fatal(
    db, stream, broker, clock, config_factory, monkeypatch, caplog
):
    monkeypatch.setitem(sys.modules, "bot.safety.cssrs", None)
    broker.flagged("c1", "help")
    broker.slot("c1", "cssrs_wish_dead", True)
    broker.flagged("c2", "later flag")
    report = _run(db, stream, config_factory(), clock)
    assert report.escalations == 2
    assert "bot.safety.cssrs is unavailable" in caplog.text


def test_with_the_real_screener(db, stream, broker, clock, config_factory):
    pytest.importorskip("bot.safety.cssrs")
    config = config_factory(emails=["oncall@clinic.test"])
    broker.flagged("c1", "I don't want to wake up", level="low", category="passive_si")
    for name, value in [
        ("wish_dead", True),
        ("suicidal_thoughts", True),
        ("method", True),
        ("intent", True),
        ("plan", True),
        ("behavior", False),
    ]:
        broker.slot("c1", f"cssrs_{name}", value)
    _run(db, stream, config, clock)
    [escalation], sent = _state(db)
    assert escalation.final_level in ("high", "imminent")
    assert ("escalation", "cssrs_raised") in sent


def test_a_screener_error_does_not_block_the_stream(
    db, stream, broker, clock, config_factory, monkeypatch, caplog
):
    module = types.ModuleType("bot.safety.cssrs")

    def settle_level(answers):
        raise KeyError("SECRET-PATIENT-WORDS")

    module.settle_level = settle_level
    monkeypatch.setitem(sys.modules, "bot.safety.cssrs", module)
    broker.flagged("c1", "help")
    broker.slot("c1", "cssrs_wish_dead", True)
    broker.flagged("c2", "later flag")
    report = _run(db, stream, config_factory(), clock)
    assert report.escalations == 2 and report.skipped == 1
    assert "not settled (KeyError)" in caplog.text
    assert "SECRET-PATIENT-WORDS" not in caplog.text
