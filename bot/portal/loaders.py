"""Loading what a page or API call shows, with the access check built in.

Each loader answers 404 (``HTTPException``) for anything the clinician may not
see, so routes cannot forget the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException, Request
from sqlalchemy import func, select

from bot.portal.access import patient_or_404, visible_patients
from bot.portal.auth import Principal
from bot.portal.session_data import (
    PatientSessions,
    latest_mood,
    load_patient_sessions,
    session_slug,
)
from bot.store import Clinician, Escalation, Patient, SessionSummary
from bot.summary import Summary, Turn

CLOSING_GRACE = timedelta(minutes=2)


@dataclass
class SessionView:
    """One session of one patient: its summary and its transcript."""

    sessions: PatientSessions
    index: int

    @property
    def summary(self) -> Summary:
        return self.sessions.summaries[self.index]

    @property
    def turns(self) -> list[Turn]:
        return self.sessions.session_turns(self.index)

    @property
    def slug(self) -> str:
        return session_slug(self.summary)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def ended_at(self) -> datetime | None:
        """When the session ended, with a grace for the bot's closing words."""
        ended = self.summary.ended_at
        return ended + CLOSING_GRACE if ended else None


@dataclass
class PatientRow:
    """One line of the patient list."""

    patient: Patient
    therapist_name: str
    sessions: int
    last_session: Summary | None
    latest_mood: float | None
    open_flags: int


def load_patient(
    request: Request, principal: Principal, patient_id: int
) -> PatientSessions:
    state = request.app.state
    with state.db.session() as s:
        patient = patient_or_404(s, principal, patient_id)
        return load_patient_sessions(s, state.stream, state.config, patient)


def load_session(
    request: Request, principal: Principal, patient_id: int, slug: str
) -> SessionView:
    sessions = load_patient(request, principal, patient_id)
    index = sessions.find(slug)
    if index is None:
        raise HTTPException(status_code=404)
    return SessionView(sessions, index)


def locate_stored_summary(
    request: Request, principal: Principal, summary_id: int
) -> tuple[int, str]:
    """Patient id and session slug of a stored summary (the id in notifications)."""
    with request.app.state.db.session() as s:
        row = s.get(SessionSummary, summary_id)
        if row is None:
            raise HTTPException(status_code=404)
        patient_id = row.patient_id
        if patient_id is None:
            patient_id = s.scalar(
                select(Patient.id).where(Patient.conversation_id == row.conversation_id)
            )
        if patient_id is None:
            raise HTTPException(status_code=404)
        session_key = (row.data or {}).get("session_key", "")
    sessions = load_patient(request, principal, patient_id)
    index = sessions.index_of_key(session_key)
    if index is None:
        raise HTTPException(status_code=404)
    return patient_id, session_slug(sessions.summaries[index])


def open_flag_counts(request: Request) -> dict[int, int]:
    """Open escalations per patient id."""
    with request.app.state.db.session() as s:
        rows = s.execute(
            select(Escalation.patient_id, func.count(Escalation.id))
            .where(Escalation.status == "open", Escalation.patient_id.is_not(None))
            .group_by(Escalation.patient_id)
        ).all()
    return dict(rows)


def patient_rows(request: Request, principal: Principal) -> list[PatientRow]:
    """The patient list: last session, latest mood and open flags of each."""
    state = request.app.state
    flags = open_flag_counts(request)
    rows = []
    with state.db.session() as s:
        names = dict(s.execute(select(Clinician.id, Clinician.name)).all())
        for patient in visible_patients(s, principal):
            sessions = load_patient_sessions(s, state.stream, state.config, patient)
            rows.append(
                PatientRow(
                    patient=patient,
                    therapist_name=names.get(patient.therapist_id, "—"),
                    sessions=len(sessions.summaries),
                    last_session=sessions.summaries[-1] if sessions.summaries else None,
                    latest_mood=latest_mood(sessions.summaries),
                    open_flags=flags.get(patient.id, 0),
                )
            )
    return rows
