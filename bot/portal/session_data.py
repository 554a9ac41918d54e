"""A patient's reflection sessions, their transcripts and the trend chart data.

Summaries come from ``bot.summary`` (built fresh from the record and the event
stream); this module only decides which transcript turns belong to which
session and how sessions are named in URLs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.config import ClinicConfig
from bot.portal.charts import TrendPoint
from bot.store import Patient
from bot.store.events import EventStream
from bot.summary import Summary, Turn, build_transcript
from bot.summary.service import conversation_summaries, load_conversation, stored_rows

# The opening question of a reflection comes just before the form starts:
# turns this long before a session's start belong to it.
OPENING_LEAD = timedelta(minutes=10)


def session_slug(summary: Summary) -> str:
    """A stable URL name for a session: ``r<record id>`` or ``e<start epoch>``."""
    if summary.reflection_id is not None:
        return f"r{summary.reflection_id}"
    started = summary.started_at
    return f"e{int(started.timestamp())}" if started else "e0"


@dataclass
class PatientSessions:
    """Everything the patient, session and export pages show."""

    patient: Patient
    summaries: list[Summary]
    turns: list[Turn]
    # session_key -> newest stored SessionSummary id (the worker's snapshot).
    stored_ids: dict[str, int] = field(default_factory=dict)

    def find(self, slug: str) -> int | None:
        """The index of the session called ``slug``, if there is one."""
        for index, summary in enumerate(self.summaries):
            if session_slug(summary) == slug:
                return index
        return None

    def index_of_key(self, session_key: str) -> int | None:
        for index, summary in enumerate(self.summaries):
            if summary.session_key == session_key:
                return index
        return None

    def session_turns(self, index: int) -> list[Turn]:
        """The transcript of one session.

        Turns from shortly before a session's start (the opening question) up
        to the next session belong to it; the last session keeps everything
        after it, so nothing recent is hidden from its page.
        """
        lower = self._boundary(index)
        upper = self._boundary(index + 1) if index + 1 < len(self.summaries) else None
        result, previous = [], None
        for turn in self.turns:
            moment = turn.timestamp or previous
            previous = moment
            if moment is None:
                continue
            if (lower is None or moment > lower) and (upper is None or moment <= upper):
                result.append(turn)
        return result

    def _boundary(self, index: int) -> datetime | None:
        """Where session ``index`` begins in the transcript (None: from the start)."""
        if index == 0:
            return None
        previous_end = self.summaries[index - 1].ended_at
        start = self.summaries[index].started_at
        candidates = [t for t in (previous_end, start and start - OPENING_LEAD) if t]
        return max(candidates) if candidates else None


def load_patient_sessions(
    s: Session, stream: EventStream, config: ClinicConfig, patient: Patient
) -> PatientSessions:
    """Summaries (oldest first) and the whole transcript of one patient."""
    data = load_conversation(s, stream, patient.conversation_id)
    summaries = conversation_summaries(data, config=config)
    stored = {}
    for row in stored_rows(s, patient.conversation_id):
        key = (row.data or {}).get("session_key")
        if key:
            stored[key] = row.id  # rows are oldest first: the newest wins
    return PatientSessions(
        patient=patient,
        summaries=summaries,
        turns=build_transcript(data.events),
        stored_ids=stored,
    )


def _number(value: object) -> float | None:
    """A 0-10 answer as a number; skipped or missing answers are gaps."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def trend_points(summaries: list[Summary]) -> list[TrendPoint]:
    """One chart point per session that has at least one rating."""
    points = []
    for summary in summaries:
        values = (
            _number(summary.mood.before),
            _number(summary.mood.after),
            _number(summary.anxiety.before),
        )
        if all(value is None for value in values):
            continue
        if summary.infusion.number is not None:
            label = f"#{summary.infusion.number}"
        elif summary.started_at is not None:
            label = summary.started_at.strftime("%-d %b")
        else:
            label = "?"
        points.append(TrendPoint(label, *values))
    return points


def latest_mood(summaries: list[Summary]) -> float | None:
    """The most recent mood rating: after the latest session, else before it."""
    for summary in reversed(summaries):
        for value in (summary.mood.after, summary.mood.before):
            if _number(value) is not None:
                return _number(value)
    return None
