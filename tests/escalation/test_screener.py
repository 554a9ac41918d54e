"""The C-SSRS screener settling an escalation's final level."""

from __future__ import annotations

import types
from enum import IntEnum

import pytest
from sqlalchemy import select

from bot.escalation import service
from bot.escalation.ingest import Ingestor
from bot.escalation.outbox import Outbox
from bot.store.models import Clinician, Escalation, Notification


class _Level(IntEnum):
    NONE = 0
    LOW = 1
    MODERATE = 2
    HIGH = 3
    IMMINENT = 4

    @property
    def label(self):
        return self.name.lower()

    @classmethod
    def parse(cls, value):
        return cls[value.upper()]


def _fake_cssrs(calls):
    """A stand-in with bot.safety.cssrs's interface and a simple rule that can
    reach imminent, so that raising twice can be seen."""

    def settle(initial, answers):
        calls.append(dict(answers))
        if answers.get("behavior_past_3_months"):
            level = _Level.IMMINENT
        elif answers.get("intent") or answers.get("plan"):
            level = _Level.HIGH
        elif answers.get("method") or answers.get("suicidal_thoughts"):
            level = _Level.MODERATE
        else:
            level = _Level.LOW if answers.get("wish_dead") else _Level.NONE
        return max(initial, level)

    module = types.ModuleType("bot.safety.cssrs")
    module.Level = _Level
    module.settle = settle
    return module


@pytest.fixture
def cssrs_calls(monkeypatch):
    calls = []
    monkeypatch.setattr("bot.escalation.screener.settle", _fake_cssrs(calls).settle)
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
    broker.flagged("c1", "I don't want to be here", level="low", category="passive_si")
    broker.bot("c1", "Can I ask you a few questions?")
    _run(db, stream, config, clock)
    broker.slot("c1", "cssrs_wish_dead", True)
    broker.slot("c1", "cssrs_suicidal_thoughts", True)
    _run(db, stream, config, clock)  # answers arrive in separate batches
    broker.slot("c1", "cssrs_method", False)
    broker.slot("c1", "cssrs_intent", True)
    broker.slot("c1", "risk_level_final", "high")  # not a screener answer
    broker.slot("c1", "cssrs_plan", None)
    broker.slot("c1", "cssrs_behavior_past_3_months", True)
    _run(db, stream, config, clock)

    [escalation], sent = _state(db)
    assert (escalation.level, escalation.final_level) == ("low", "imminent")
    # The detector's flag, then again each time the screener went higher than
    # anything sent so far: moderate, high, imminent.
    assert sent == [("escalation", None)] + [("escalation", "cssrs_raised")] * 3
    assert cssrs_calls[-1] == {
        "wish_dead": True,
        "suicidal_thoughts": True,
        "method": False,
        "intent": True,
        "plan": None,
        "behavior_past_3_months": True,
    }


def test_negative_answers_keep_the_detector_level(
    db, stream, broker, clock, config_factory, cssrs_calls
):
    config = config_factory(emails=["oncall@clinic.test"])
    broker.flagged("c1", "I want to die", level="high")
    for name in ("wish_dead", "suicidal_thoughts", "behavior_past_3_months"):
        broker.slot("c1", f"cssrs_{name}", False)
    _run(db, stream, config, clock)
    [escalation], sent = _state(db)
    assert (escalation.level, escalation.final_level) == ("high", "high")
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
    broker.slot("c1", "cssrs_suicidal_thoughts", True)
    _run(db, stream, config, clock)
    first, second = _state(db)[0]
    assert (first.final_level, second.final_level) == ("moderate", None)


def test_answers_from_an_earlier_session_do_not_count(
    db, stream, broker, clock, config_factory, cssrs_calls
):
    config = config_factory()
    broker.slot("c1", "cssrs_intent", True)
    broker.session_started("c1")
    broker.flagged("c1", "help", level="low")
    broker.slot("c1", "cssrs_wish_dead", True)
    _run(db, stream, config, clock)
    assert cssrs_calls[-1]["intent"] is None
    assert _state(db)[0][0].final_level == "low"


def test_a_screener_error_does_not_block_the_stream(
    db, stream, broker, clock, config_factory, monkeypatch, caplog
):
    def settle(initial, answers):
        raise KeyError("SECRET-PATIENT-WORDS")

    monkeypatch.setattr("bot.escalation.screener.settle", settle)
    broker.flagged("c1", "help")
    broker.slot("c1", "cssrs_wish_dead", True)
    broker.flagged("c2", "later flag")
    report = _run(db, stream, config_factory(), clock)
    assert report.escalations == 2 and report.skipped == 1
    assert "not settled (KeyError)" in caplog.text
    assert "SECRET-PATIENT-WORDS" not in caplog.text


def test_with_the_real_screener(db, stream, broker, clock, config_factory):
    config = config_factory(emails=["oncall@clinic.test"])
    broker.flagged("c1", "I don't want to wake up", level="low", category="passive_si")
    broker.flagged("c2", "I want to die", level="high")
    for name, value in [("wish_dead", True), ("suicidal_thoughts", True)]:
        broker.slot("c1", f"cssrs_{name}", value)
        broker.slot("c2", f"cssrs_{name}", False)
    broker.slot("c1", "cssrs_plan", True)
    _run(db, stream, config, clock)
    (raised, kept), sent = _state(db)
    assert (raised.level, raised.final_level) == ("low", "high")
    assert (kept.level, kept.final_level) == ("high", "high")  # never lowered
    assert sent.count(("escalation", "cssrs_raised")) == 2  # moderate, then high
