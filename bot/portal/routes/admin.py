"""Admin pages: therapists, patients, invites and the audit log.

Every route here answers 404 to a therapist (see ``admin_principal``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from starlette.responses import Response

from bot.channels.invites import (
    InviteError,
    create_invite,
    invite_status,
    list_invites,
    revoke_invite,
)
from bot.portal import audit
from bot.portal.auth import Principal, admin_principal
from bot.portal.guards import ADMIN_POST
from bot.portal.templating import flash, render
from bot.store import AuditEntry, Clinician, Invite, Patient
from bot.store.cli import MIN_PASSWORD_LENGTH, ROLES, new_conversation_id
from bot.store.passwords import hash_password

router = APIRouter(prefix="/admin", include_in_schema=False)

AUDIT_PAGE_SIZE = 100


def _clinicians(s) -> list:  # noqa: ANN001
    return list(s.scalars(select(Clinician).order_by(Clinician.name, Clinician.id)))


def _redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def _problem(request: Request, back: str, message: str) -> Response:
    """Send the admin back to the form with what was wrong."""
    flash(request, message)
    return _redirect(back)


@router.get("")
def therapists_page(
    request: Request, principal: Principal = Depends(admin_principal)
) -> Response:
    with request.app.state.db.session() as s:
        clinicians = _clinicians(s)
        counts = dict(
            s.execute(
                select(Patient.therapist_id, func.count(Patient.id)).group_by(
                    Patient.therapist_id
                )
            ).all()
        )
    return render(
        request,
        "admin/therapists.html",
        clinicians=clinicians,
        patient_counts=counts,
        roles=ROLES,
        min_password_length=MIN_PASSWORD_LENGTH,
    )


@router.post("/therapists", dependencies=ADMIN_POST)
def create_therapist(
    request: Request,
    name: str = Form(...),
    email: str = Form(...),
    password: str = Form(...),
    role: str = Form("therapist"),
    principal: Principal = Depends(admin_principal),
) -> Response:
    name, email = name.strip(), email.strip().lower()
    if role not in ROLES or not name or "@" not in email:
        return _problem(request, "/admin", "Give a name, an email address and a role.")
    if len(password) < MIN_PASSWORD_LENGTH:
        return _problem(
            request,
            "/admin",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
        )
    with request.app.state.db.session() as s:
        taken = s.scalars(
            select(Clinician.id).where(func.lower(Clinician.email) == email)
        ).first()
        if taken is not None:
            return _problem(request, "/admin", "An account with this email exists.")
        clinician = Clinician(
            name=name, email=email, role=role, password_hash=hash_password(password)
        )
        s.add(clinician)
        s.flush()
        audit.record(
            s, principal, "create_clinician", "clinician", clinician.id, {"role": role}
        )
    flash(request, f"Account created for {name}.")
    return _redirect("/admin")


def _set_active(
    request: Request, principal: Principal, clinician_id: int, active: bool
) -> Response:
    if clinician_id == principal.id and not active:
        return _problem(request, "/admin", "You cannot deactivate your own account.")
    with request.app.state.db.session() as s:
        clinician = s.get(Clinician, clinician_id)
        if clinician is None:
            raise HTTPException(404)
        clinician.active = active
        action = "activate_clinician" if active else "deactivate_clinician"
        audit.record(s, principal, action, "clinician", clinician_id)
        name = clinician.name
    if not active:
        request.app.state.sessions.end_all_for(clinician_id)
    flash(request, f"{name} is now {'active' if active else 'deactivated'}.")
    return _redirect("/admin")


@router.post("/therapists/{clinician_id}/deactivate", dependencies=ADMIN_POST)
def deactivate_therapist(
    request: Request, clinician_id: int, principal: Principal = Depends(admin_principal)
) -> Response:
    return _set_active(request, principal, clinician_id, active=False)


@router.post("/therapists/{clinician_id}/activate", dependencies=ADMIN_POST)
def activate_therapist(
    request: Request, clinician_id: int, principal: Principal = Depends(admin_principal)
) -> Response:
    return _set_active(request, principal, clinician_id, active=True)


@router.get("/patients")
def patients_page(
    request: Request, principal: Principal = Depends(admin_principal)
) -> Response:
    with request.app.state.db.session() as s:
        patients = list(
            s.scalars(select(Patient).order_by(Patient.display_name, Patient.id))
        )
        therapists = [c for c in _clinicians(s) if c.active]
        names = {c.id: c.name for c in _clinicians(s)}
    invites = {p.id: list_invites(request.app.state.db, p.id) for p in patients}
    return render(
        request,
        "admin/patients.html",
        patients=patients,
        therapists=therapists,
        therapist_names=names,
        invites=invites,
        invite_status=invite_status,
        locales=request.app.state.config.locales,
    )


def _is_active_therapist(s, therapist_id: int) -> bool:  # noqa: ANN001
    therapist = s.get(Clinician, therapist_id)
    return therapist is not None and therapist.active


@router.post("/patients", dependencies=ADMIN_POST)
def create_patient(
    request: Request,
    display_name: str = Form(...),
    therapist_id: int = Form(...),
    locale: str = Form("en"),
    principal: Principal = Depends(admin_principal),
) -> Response:
    display_name = display_name.strip()
    if not display_name:
        return _problem(request, "/admin/patients", "Give the patient's name.")
    if locale not in request.app.state.config.locales:
        return _problem(request, "/admin/patients", "Choose a clinic language.")
    with request.app.state.db.session() as s:
        if not _is_active_therapist(s, therapist_id):
            return _problem(request, "/admin/patients", "Choose an active therapist.")
        patient = Patient(
            display_name=display_name,
            therapist_id=therapist_id,
            locale=locale,
            conversation_id=new_conversation_id(),
        )
        s.add(patient)
        s.flush()
        audit.record(s, principal, "create_patient", "patient", patient.id)
    # Flash messages travel in the (signed, readable) cookie: no patient names.
    flash(request, "Patient added.")
    return _redirect("/admin/patients")


@router.post("/patients/{patient_id}/assign", dependencies=ADMIN_POST)
def assign_patient(
    request: Request,
    patient_id: int,
    therapist_id: int = Form(...),
    principal: Principal = Depends(admin_principal),
) -> Response:
    with request.app.state.db.session() as s:
        patient = s.get(Patient, patient_id)
        if patient is None:
            raise HTTPException(404)
        if not _is_active_therapist(s, therapist_id):
            return _problem(request, "/admin/patients", "Choose an active therapist.")
        previous = patient.therapist_id
        patient.therapist_id = therapist_id
        audit.record(
            s,
            principal,
            "assign_patient",
            "patient",
            patient_id,
            {"from_therapist": previous, "to_therapist": therapist_id},
        )
    flash(request, "Patient reassigned.")
    return _redirect("/admin/patients")


@router.post("/patients/{patient_id}/invites", dependencies=ADMIN_POST)
def create_patient_invite(
    request: Request, patient_id: int, principal: Principal = Depends(admin_principal)
) -> Response:
    state = request.app.state
    with state.db.session() as s:
        patient = s.get(Patient, patient_id)
        if patient is None:
            raise HTTPException(404)
        name = patient.display_name
    try:
        invite, link = create_invite(
            state.db,
            patient_id,
            created_by=principal.id,
            base_url=state.config.clinic.chat_url,
            secret_key=state.settings.secret_key,
        )
    except InviteError as error:
        return _problem(
            request, "/admin/patients", f"No invite was made ({error.reason})."
        )
    with state.db.session() as s:
        audit.record(
            s, principal, "create_invite", "invite", invite.id, {"patient": patient_id}
        )
    # The link is a credential: shown once on this page, never put in a cookie or log.
    return render(
        request,
        "admin/invite_created.html",
        patient_name=name,
        invite=invite,
        link=link,
    )


@router.post("/invites/{invite_id}/revoke", dependencies=ADMIN_POST)
def revoke_patient_invite(
    request: Request, invite_id: int, principal: Principal = Depends(admin_principal)
) -> Response:
    with request.app.state.db.session() as s:
        invite = s.get(Invite, invite_id)
        if invite is None:
            raise HTTPException(404)
        token_id = invite.token_id
    revoke_invite(request.app.state.db, token_id)
    with request.app.state.db.session() as s:
        audit.record(s, principal, "revoke_invite", "invite", invite_id)
    flash(request, "Invite revoked; devices that joined with it are signed out.")
    return _redirect("/admin/patients")


@router.get("/audit")
def audit_page(
    request: Request,
    page: int = 1,
    actor: str | None = None,
    principal: Principal = Depends(admin_principal),
) -> Response:
    page = max(1, page)
    with request.app.state.db.session() as s:
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if actor:
            query = query.where(AuditEntry.actor == actor)
        entries = list(
            s.scalars(
                query.offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE + 1)
            )
        )
    return render(
        request,
        "admin/audit.html",
        entries=entries[:AUDIT_PAGE_SIZE],
        page=page,
        has_more=len(entries) > AUDIT_PAGE_SIZE,
        actor=actor or "",
    )
