"""Which records a clinician may see: admins all, therapists their patients.

Every lookup of one object goes through a ``*_or_404`` helper, so a record
that exists but belongs to another therapist is indistinguishable from one
that does not exist.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.portal.auth import Principal
from bot.store import Escalation, Patient, Reflection


def not_found() -> HTTPException:
    return HTTPException(status_code=404)


def visible_patients(s: Session, principal: Principal) -> list[Patient]:
    """The patients the clinician may see, by name."""
    query = select(Patient).order_by(Patient.display_name, Patient.id)
    if not principal.is_admin:
        query = query.where(Patient.therapist_id == principal.id)
    return list(s.scalars(query))


def may_see_patient(principal: Principal, patient: Patient | None) -> bool:
    if principal.is_admin:
        return True
    return patient is not None and patient.therapist_id == principal.id


def patient_or_404(s: Session, principal: Principal, patient_id: int) -> Patient:
    patient = s.get(Patient, patient_id)
    if patient is None or not may_see_patient(principal, patient):
        raise not_found()
    return patient


def patient_of_conversation(s: Session, conversation_id: str) -> Patient | None:
    return s.scalars(
        select(Patient).where(Patient.conversation_id == conversation_id)
    ).first()


def reflection_patient(s: Session, reflection: Reflection) -> Patient | None:
    """The patient of a reflection, by id or else by conversation."""
    if reflection.patient_id is not None:
        return s.get(Patient, reflection.patient_id)
    return patient_of_conversation(s, reflection.conversation_id)


def escalation_patient(s: Session, escalation: Escalation) -> Patient | None:
    """The patient of an escalation, by id or else by conversation."""
    if escalation.patient_id is not None:
        return s.get(Patient, escalation.patient_id)
    return patient_of_conversation(s, escalation.conversation_id)


def reflection_or_404(
    s: Session, principal: Principal, reflection_id: int
) -> Reflection:
    reflection = s.get(Reflection, reflection_id)
    if reflection is None or not may_see_patient(
        principal, reflection_patient(s, reflection)
    ):
        raise not_found()
    return reflection


def escalation_or_404(
    s: Session, principal: Principal, escalation_id: int
) -> Escalation:
    escalation = s.get(Escalation, escalation_id)
    if escalation is None or not may_see_patient(
        principal, escalation_patient(s, escalation)
    ):
        raise not_found()
    return escalation


def visible_escalations(s: Session, principal: Principal) -> list[Escalation]:
    """Escalations of the clinician's patients (all of them for an admin)."""
    query = select(Escalation)
    if not principal.is_admin:
        patients = visible_patients(s, principal)
        query = query.where(
            or_(
                Escalation.patient_id.in_([p.id for p in patients]),
                and_(
                    Escalation.patient_id.is_(None),
                    Escalation.conversation_id.in_(
                        [p.conversation_id for p in patients]
                    ),
                ),
            )
        )
    return list(s.scalars(query))


def patient_reflections(s: Session, patient: Patient) -> list[Reflection]:
    """A patient's reflection sessions, oldest first."""
    query = (
        select(Reflection)
        .where(
            or_(
                Reflection.patient_id == patient.id,
                and_(
                    Reflection.patient_id.is_(None),
                    Reflection.conversation_id == patient.conversation_id,
                ),
            )
        )
        .order_by(Reflection.started_at, Reflection.id)
    )
    return list(s.scalars(query))
