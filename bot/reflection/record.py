"""Storing the reflection: slot values in, a ``Reflection`` row out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.reflection.infusion import infusion_reflected_on
from bot.reflection.steps import ANSWER_FIELDS, step_status
from bot.store import Database, Patient, Reflection
from bot.store.types import utcnow


def answers_from_slots(values: Mapping[str, Any]) -> dict[str, Any]:
    """The reflection answers among ``values`` (unanswered ones left out)."""
    return {
        name: values[name] for name in ANSWER_FIELDS if values.get(name) is not None
    }


def _infusion_number(patient: Patient | None, hours: Any, now: datetime) -> int | None:
    """The number of the infusion the patient is reflecting on, if recorded."""
    if patient is None:
        return None
    infusion = infusion_reflected_on(patient.infusions, now, hours)
    return infusion.number if infusion else None


def save_reflection(
    db: Database,
    conversation_id: str,
    values: Mapping[str, Any],
    reflection_id: int | None = None,
    status: str | None = None,
    now: datetime | None = None,
) -> int:
    """Create or update the reflection record from the current slot values.

    Args:
        db: The application database.
        conversation_id: The Rasa sender id.
        values: Current slot values.
        reflection_id: The record to update; a new one is created when ``None``
            or unknown.
        status: New status (``in_progress``, ``paused``, ``completed``), if any.
        now: The current time (for tests).

    Returns:
        The id of the record.
    """
    now = now or utcnow()
    with db.session() as session:
        reflection = session.get(Reflection, reflection_id) if reflection_id else None
        if reflection is None or reflection.conversation_id != conversation_id:
            patient = session.scalars(
                select(Patient).where(Patient.conversation_id == conversation_id)
            ).first()
            reflection = Reflection(
                conversation_id=conversation_id,
                patient=patient,
                started_at=now,
                answers={},
                step_status={},
            )
            session.add(reflection)
        answers = answers_from_slots(values)
        reflection.answers = answers
        reflection.step_status = step_status(answers)
        hours = answers.get("hours_since_infusion")
        reflection.hours_since_infusion = (
            hours if isinstance(hours, (int, float)) else None
        )
        if reflection.infusion_number is None:
            reflection.infusion_number = _infusion_number(
                reflection.patient, hours, now
            )
        if status == "paused" and reflection.status != "paused":
            reflection.pause_count += 1
        if status == "in_progress" and reflection.status == "paused":
            reflection.resume_count += 1
        if status:
            reflection.status = status
        if status == "completed":
            reflection.completed_at = now
        reflection.updated_at = now
        session.flush()
        return reflection.id


def latest_completed(db: Database, conversation_id: str) -> dict[str, Any] | None:
    """The answers of the patient's last completed reflection, if any."""
    with db.session() as session:
        reflection = session.scalars(
            select(Reflection)
            .where(
                Reflection.conversation_id == conversation_id,
                Reflection.status == "completed",
            )
            .order_by(Reflection.completed_at.desc())
        ).first()
        return dict(reflection.answers) if reflection else None
