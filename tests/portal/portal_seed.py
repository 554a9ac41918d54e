"""Seed data for the portal tests: clinicians, patients, sessions, escalations.

Events are written to the broker table the way Rasa's SQL event broker does;
escalations come from the real ingestor (``bot.escalation.ingest``), then some
notifications are marked delivered or failing so every delivery state shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.channels.invites import create_invite
from bot.config import DEFAULT_CONFIG_PATH, ClinicConfig
from bot.escalation.ingest import Ingestor
from bot.escalation.outbox import Outbox
from bot.store import (
    Clinician,
    Database,
    Escalation,
    Infusion,
    Notification,
    Patient,
    Reflection,
)
from bot.store.events import EventStream, broker_events
from bot.store.passwords import hash_password
from bot.summary import process_due

PASSWORDS = {
    "alice@clinic.test": "alice-password-1",
    "bob@clinic.test": "bob-password-12",
    "morgan@clinic.test": "morgan-password-1",
    "casey@clinic.test": "casey-password-1",
}
WEBHOOK = "http://127.0.0.1:9/on-call-hook"
SCRIPT_TEXT = '<script>alert("owned")</script> my chest felt tight'
SECRET_KEY = "test-secret-" + "x" * 40
NO_CRISIS = {"level": "none", "category": None, "evidence": [], "language": "en"}


def test_config() -> ClinicConfig:
    """The demo clinic configuration with one on-call webhook."""
    raw = yaml.safe_load(Path(DEFAULT_CONFIG_PATH).read_text(encoding="utf-8"))
    raw["notifications"]["webhooks"] = [
        {"name": "on-call", "url": WEBHOOK, "kinds": ["escalation", "reminder"]}
    ]
    return ClinicConfig.parse_obj(raw)


def crisis(level: str, category: str, rule: str, text: str) -> dict[str, Any]:
    return {
        "level": level,
        "category": category,
        "evidence": [{"rule": rule, "text": text, "start": 0, "end": len(text)}],
        "language": "en",
        "detector_version": "2026.11.1",
    }


@dataclass
class Conversation:
    """Rasa event dicts for one sender, with a ticking clock."""

    sender_id: str
    clock: datetime
    events: list[dict[str, Any]] = field(default_factory=list)

    def _add(self, event: dict[str, Any], seconds: float = 5) -> Conversation:
        self.clock += timedelta(seconds=seconds)
        event.update(timestamp=self.clock.timestamp(), sender_id=self.sender_id)
        self.events.append(event)
        return self

    def user(self, text: str, intent: str = "inform", verdict: dict | None = None):
        parse = {
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [],
            "text": text,
        }
        parse["crisis"] = verdict or NO_CRISIS
        return self._add({"event": "user", "text": text, "parse_data": parse})

    def bot(self, text: str) -> Conversation:
        return self._add({"event": "bot", "text": text, "metadata": {}}, 1)

    def slot(self, name: str, value: Any) -> Conversation:
        return self._add({"event": "slot", "name": name, "value": value}, 0.1)

    def loop(self, name: str | None) -> Conversation:
        return self._add({"event": "active_loop", "name": name}, 0.1)

    def reflection(
        self, given: list[tuple[str, Any, str]], interlude=None
    ):  # noqa: ANN001
        """A whole reflection: opening, each answer, completion.

        ``interlude(self)`` runs after the thought step, inside the form (the
        crisis path interrupts a form without ending it).
        """
        self.user("I'd like to reflect", intent="start_reflection")
        self.bot("How many hours ago was your infusion?")
        self.user("20").slot("hours_since_infusion", 20.0)
        self.loop("reflection_form")
        for slot, value, text in given:
            self.slot("requested_slot", slot).bot(f"Question about {slot}?")
            self.user(text).slot(slot, value)
            if slot == "thought" and interlude is not None:
                interlude(self)
        self.loop(None).slot("requested_slot", None)
        return self.bot("Thank you for reflecting today.")


def crisis_turns(conversation: Conversation) -> None:
    """Three flagged messages and the bot's replies."""
    conversation.user(
        "Honestly I don't want to be here anymore",
        intent="crisis_high",
        verdict=crisis(
            "high", "passive_si", "passive_si.not_be_here", "don't want to be here"
        ),
    )
    conversation.bot("Thank you for telling me. You matter, and help is here now.")
    conversation.user(
        "I have the pills ready for tonight",
        intent="crisis_imminent",
        verdict=crisis("imminent", "plan_means", "plan_means.pills", "the pills ready"),
    )
    conversation.bot("Please call 988 now, or 911 if you are in danger.")
    conversation.user(
        "everything feels pointless",
        intent="crisis_moderate",
        verdict=crisis(
            "moderate", "hopelessness", "hopelessness.pointless", "pointless"
        ),
    )
    conversation.bot("That sounds heavy. Your care team will be in touch.")


def answers(mood: float, anxiety: float, mood_after: float, body: str) -> list:
    return [
        ("mood_before", mood, str(int(mood))),
        ("anxiety_before", anxiety, str(int(anxiety))),
        ("body_check", body, body),
        ("infusion_highlight", "Colours, and my grandmother's garden", "Colours"),
        ("thought", "I always let people down", "I always let people down"),
        ("belief_before", 80.0, "80"),
        ("emotion", "shame", "shame"),
        ("emotion_intensity_before", 7.0, "7"),
        ("traps_chosen", ["all_or_nothing"], "all or nothing"),
        ("evidence_for", "I missed the call", "I missed the call"),
        ("evidence_against", "I showed up for Sam", "I showed up for Sam"),
        ("reframe", "Sometimes I slip; often I show up", "Sometimes I slip"),
        ("belief_after", 40.0, "40"),
        ("emotion_intensity_after", 4.0, "4"),
        ("intention", "Call Sam on Sunday", "Call Sam on Sunday"),
        ("therapy_note", "skipped", "skip"),
        ("mood_after", mood_after, str(int(mood_after))),
    ]


@dataclass
class Seeded:
    """Ids the tests need."""

    alice: int
    bob: int
    admin: int
    casey: int  # a therapist without patients
    dana: int  # Alice's patient with sessions and escalations
    riley: int  # Alice's patient with nothing yet
    jordan: int  # Alice's patient whose session only the events show
    sam: int  # Bob's patient
    dana_reflections: list[int]
    sam_reflection: int
    dana_escalations: dict[str, int]  # level -> id
    sam_escalation: int
    summary_ids: dict[str, int]  # "dana" / "sam" -> a stored SessionSummary id
    dana_invite: int
    now: datetime


def _clinician(s, name: str, email: str, role: str) -> Clinician:  # noqa: ANN001
    clinician = Clinician(
        name=name, email=email, role=role, password_hash=hash_password(PASSWORDS[email])
    )
    s.add(clinician)
    s.flush()
    return clinician


def _write_events(stream: EventStream, events: list[dict[str, Any]]) -> None:
    with stream.engine.begin() as connection:
        for event in events:
            connection.execute(
                broker_events.insert().values(
                    sender_id=event["sender_id"], data=json.dumps(event)
                )
            )


def _reflection(
    s, patient: Patient, number: int, start: datetime, end: datetime, given
):  # noqa: ANN001
    reflection = Reflection(
        conversation_id=patient.conversation_id,
        patient_id=patient.id,
        status="completed",
        answers={slot: value for slot, value, _ in given},
        step_status={
            step: "done"
            for step in (
                "checkin",
                "infusion",
                "loop",
                "trap",
                "observer",
                "reframe",
                "intention",
                "close",
            )
        },
        infusion_number=number,
        hours_since_infusion=20,
        started_at=start,
        updated_at=end,
        completed_at=end,
    )
    s.add(reflection)
    s.flush()
    return reflection.id


def seed(db: Database, stream: EventStream, config: ClinicConfig) -> Seeded:
    """Fill empty databases with the portal's test world."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with db.session() as s:
        alice = _clinician(s, "Alice Moreno", "alice@clinic.test", "therapist")
        bob = _clinician(s, "Bob Okafor", "bob@clinic.test", "therapist")
        admin = _clinician(s, "Morgan Lee", "morgan@clinic.test", "admin")
        casey = _clinician(s, "Casey Brandt", "casey@clinic.test", "therapist")
        dana = Patient(
            display_name="Dana Whitfield",
            therapist_id=alice.id,
            conversation_id="conv-dana",
        )
        riley = Patient(
            display_name="Riley Chen",
            therapist_id=alice.id,
            conversation_id="conv-riley",
        )
        sam = Patient(
            display_name="Sam Ortiz", therapist_id=bob.id, conversation_id="conv-sam"
        )
        jordan = Patient(
            display_name="Jordan Lake",
            therapist_id=alice.id,
            conversation_id="conv-jordan",
        )
        s.add_all([dana, riley, sam, jordan])
        s.flush()
        ids = dict(
            casey=casey.id,
            alice=alice.id,
            bob=bob.id,
            admin=admin.id,
            dana=dana.id,
            riley=riley.id,
            sam=sam.id,
            jordan=jordan.id,
        )

        dana_conv = Conversation("conv-dana", now - timedelta(days=15))
        dana_reflections = []
        moods = [(3, 8, 5, "Heavy limbs"), (4, 6, 6, "Lighter"), (5, 5, 7, SCRIPT_TEXT)]
        for number, (mood, anxiety, after, body) in enumerate(moods, start=1):
            s.add(
                Infusion(
                    patient_id=dana.id,
                    number=number,
                    administered_at=dana_conv.clock - timedelta(hours=20),
                )
            )
            start = dana_conv.clock
            given = answers(mood, anxiety, after, body)
            dana_conv.reflection(given, crisis_turns if number == 3 else None)
            dana_reflections.append(
                _reflection(s, dana, number, start, dana_conv.clock, given)
            )
            dana_conv.clock += timedelta(days=6)

        sam_conv = Conversation("conv-sam", now - timedelta(days=3))
        s.add(
            Infusion(
                patient_id=sam.id,
                number=1,
                administered_at=sam_conv.clock - timedelta(hours=18),
            )
        )
        start = sam_conv.clock
        given = answers(6, 4, 7, "Calm")
        sam_conv.reflection(given)
        sam_conv.user(
            "I used to cut, a long time ago",
            intent="crisis_low",
            verdict=crisis("low", "past_history", "past_history.cut", "used to cut"),
        )
        sam_reflection = _reflection(s, sam, 1, start, sam_conv.clock, given)

    # The action server never wrote a record: the session exists in events only,
    # stopped half-way (partial once the inactivity time has passed).
    jordan_conv = Conversation("conv-jordan", now - timedelta(days=1))
    jordan_conv.user("I'd like to reflect", intent="start_reflection")
    jordan_conv.bot("How many hours ago was your infusion?")
    jordan_conv.user("6").slot("hours_since_infusion", 6.0).loop("reflection_form")
    for slot, value, text in answers(2, 9, 0, "Shaky")[:3]:
        jordan_conv.slot("requested_slot", slot).bot(f"Question about {slot}?")
        jordan_conv.user(text).slot(slot, value)

    _write_events(stream, dana_conv.events + sam_conv.events + jordan_conv.events)
    invite, _link = create_invite(
        db, ids["dana"], created_by=ids["admin"], secret_key=SECRET_KEY
    )
    Ingestor(db, stream, Outbox(config)).run(now)
    process_due(db, stream, config, now=now)

    with db.session() as s:
        by_level = {}
        for escalation in s.scalars(select(Escalation).order_by(Escalation.id)):
            by_level[(escalation.conversation_id, escalation.level)] = escalation.id
        # Every delivery state: delivered, pending after failures, pending fresh.
        for row in s.scalars(
            select(Notification).where(Notification.kind == "escalation")
        ):
            if (
                row.channel == "email"
                and row.escalation_id == by_level[("conv-dana", "imminent")]
            ):
                row.status, row.attempts, row.delivered_at = "delivered", 1, now
            elif row.channel == "webhook":
                row.attempts, row.last_error = 3, "connection refused"
        moderate = s.get(Escalation, by_level[("conv-dana", "moderate")])
        moderate.status, moderate.acknowledged_at = "acknowledged", now
        moderate.acknowledged_by, moderate.acknowledgement_note = (
            ids["alice"],
            "Called Dana",
        )
        summaries = {}
        from bot.store import SessionSummary

        for row in s.scalars(select(SessionSummary).order_by(SessionSummary.id)):
            key = "dana" if row.conversation_id == "conv-dana" else "sam"
            summaries.setdefault(key, row.id)

    return Seeded(
        **ids,
        dana_reflections=dana_reflections,
        sam_reflection=sam_reflection,
        dana_escalations={
            level: by_level[("conv-dana", level)]
            for level in ("high", "imminent", "moderate")
        },
        sam_escalation=by_level[("conv-sam", "low")],
        summary_ids=summaries,
        dana_invite=invite.id,
        now=now,
    )
