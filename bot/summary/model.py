"""The session summary and transcript models (pydantic 1.10, JSON-serialisable).

Answer values keep what the patient gave: a number, a text, a list (traps), the
string ``"skipped"`` when the patient skipped, or ``None`` when never answered.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, StrictFloat, StrictInt, StrictStr

# Strict types: pydantic would otherwise turn 7.5 into 7 or "7" into 7.
Value = StrictInt | StrictFloat | StrictStr | None
ListValue = list[StrictStr] | StrictStr | None

SCHEMA_VERSION = 1


class _Model(BaseModel):
    """Base of the summary models (pydantic writes datetimes as ISO 8601)."""


class Turn(_Model):
    """One message of the transcript."""

    role: str  # patient | bot
    text: str
    timestamp: datetime | None = None
    flagged: bool = False
    level: str | None = None  # crisis level when flagged
    category: str | None = None  # crisis category when flagged


class PatientRef(_Model):
    """Who the session belongs to."""

    conversation_id: str
    patient_id: int | None = None
    display_name: str | None = None
    therapist_id: int | None = None

    @property
    def label(self) -> str:
        """The display name, or the conversation id when there is none."""
        return self.display_name or self.conversation_id


class InfusionRef(_Model):
    """Which infusion the reflection follows."""

    number: int | None = None
    administered_at: datetime | None = None
    hours_since: float | None = None
    # "patient" when the patient said it, "clinic_record" when computed from
    # the clinic's infusion record.
    hours_since_source: str | None = None


class BeforeAfter(_Model):
    """A rating asked at the start and again later."""

    before: Value = None
    after: Value = None


class ThoughtRecord(_Model):
    """The thought the patient worked on (verbatim) and how it changed."""

    thought: Value = None
    belief: BeforeAfter = BeforeAfter()  # 0-100
    emotion: Value = None
    emotion_intensity: BeforeAfter = BeforeAfter()  # 0-10


class Traps(_Model):
    """Thinking traps: what the bot suggested and what the patient chose."""

    suggested: ListValue = None
    chosen: ListValue = None


class Evidence(_Model):
    """The observer stance: evidence for and against the thought."""

    for_thought: Value = None
    against_thought: Value = None


class RiskEvent(_Model):
    """A flagged message in the session and what happened with it."""

    level: str | None = None
    final_level: str | None = None
    category: str | None = None
    quote: str  # verbatim
    bot_response: list[str] = []  # what the bot showed, verbatim
    escalation_id: int | None = None
    # open | acknowledged, or None when the worker has not recorded it yet.
    escalation_status: str | None = None
    message_at: datetime | None = None
    acknowledged_at: datetime | None = None
    # The patient took the message back (a rewind); it is kept here anyway.
    retracted: bool = False


class Completeness(_Model):
    """Which steps were done, skipped or left open, and the pauses."""

    steps: dict[str, str] = {}  # step name -> done | skipped | partial | open
    done: list[str] = []
    skipped: list[str] = []
    partial: list[str] = []
    open: list[str] = []
    paused: bool = False  # ever paused
    paused_now: bool = False  # in progress but paused at the moment
    pause_count: int = 0
    resume_count: int = 0
    # The step the patient was on when the session stopped (unfinished only).
    stopped_at_step: str | None = None


class Summary(_Model):
    """One reflection session, as the therapist reads it."""

    schema_version: int = SCHEMA_VERSION
    # "reflection:<id>" or "events:<conversation>:<start timestamp>".
    session_key: str
    reflection_id: int | None = None
    patient: PatientRef
    infusion: InfusionRef = InfusionRef()
    status: str  # complete | partial | in_progress
    # completed | inactive | restarted | superseded | abandoned | None (running)
    end_reason: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    last_activity_at: datetime | None = None
    duration_minutes: float | None = None
    # How the intention of the previous reflection went (asked only when
    # there was one).
    previous_followup: Value = None
    mood: BeforeAfter = BeforeAfter()
    anxiety: BeforeAfter = BeforeAfter()
    body_check: Value = None
    infusion_highlight: Value = None
    loop: ThoughtRecord = ThoughtRecord()
    traps: Traps = Traps()
    evidence: Evidence = Evidence()
    reframe: Value = None
    intention: Value = None
    therapy_note: Value = None
    risk_events: list[RiskEvent] = []
    completeness: Completeness = Completeness()
    narrative: str = ""
    # Where the facts came from ("record", "events") and the answer fields on
    # which the two disagreed (the record wins); never the values themselves.
    sources: list[str] = []
    source_mismatches: list[str] = []
    generated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (datetimes as ISO 8601 strings)."""
        return json.loads(self.json())

    @property
    def highest_risk_level(self) -> str | None:
        """The most severe level among the risk events, if any."""
        levels = [event.final_level or event.level for event in self.risk_events]
        ranked = [level for level in levels if level in LEVEL_ORDER]
        return max(ranked, key=LEVEL_ORDER.index) if ranked else None


LEVEL_ORDER = ("none", "low", "moderate", "high", "imminent")
