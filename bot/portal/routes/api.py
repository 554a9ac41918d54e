"""The JSON API: the portal's data behind the same login and access rules.

Authentication is the portal's session cookie (log in at ``/login``). GETs
need nothing else; POSTs need the ``X-CSRF-Token`` header with the token
from ``GET /api/me``. Objects of other therapists answer 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from bot.escalation import (
    AlreadyAcknowledged,
    EscalationNotFound,
    NotPermitted,
    acknowledge,
    list_escalations,
)
from bot.portal import audit
from bot.portal.auth import LoggedIn, Principal, admin_principal, current_principal
from bot.portal.csrf import csrf_token, require_csrf
from bot.portal.loaders import (
    load_patient,
    load_session,
    locate_stored_summary,
    patient_rows,
)
from bot.portal.queue import build_queue, deliveries
from bot.portal.routes.escalations import MAX_NOTE_LENGTH, visible_escalation
from bot.portal.routes.exports import session_document
from bot.portal.session_data import session_slug, trend_points
from bot.store import AuditEntry

router = APIRouter(prefix="/api", tags=["portal"])
Admin = Annotated[Principal, Depends(admin_principal)]

# The queue shows no patient words; those need the audited detail call.
VERBATIM_FIELDS = (
    "message",
    "context",
    "evidence",
    "bot_response",
    "acknowledgement_note",
)


class AcknowledgeRequest(BaseModel):
    note: str = Field("", max_length=MAX_NOTE_LENGTH, description="What you did")


def _with_deliveries(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "deliveries": [d.__dict__ for d in deliveries(record)]}


def _queue_item(record: dict[str, Any]) -> dict[str, Any]:
    item = {k: v for k, v in record.items() if k not in VERBATIM_FIELDS}
    return _with_deliveries(item)


@router.get("/me", summary="Who is logged in, and the CSRF token for POSTs")
def me(request: Request, principal: LoggedIn) -> dict[str, Any]:
    return {
        "id": principal.id,
        "email": principal.email,
        "name": principal.name,
        "role": principal.role,
        "csrf_token": csrf_token(request),
    }


@router.get("/escalations", summary="The escalation queue, most urgent first")
def escalations(request: Request, principal: LoggedIn) -> dict[str, Any]:
    queue = build_queue(list_escalations(request.app.state.db, viewer_id=principal.id))
    return {
        "open": [_queue_item(r) for r in queue.open],
        "acknowledged": [_queue_item(r) for r in queue.acknowledged],
    }


@router.get("/escalations/{escalation_id}", summary="One escalation, verbatim")
def escalation(
    request: Request, escalation_id: int, principal: LoggedIn
) -> dict[str, Any]:
    record = visible_escalation(request, principal, escalation_id)
    with request.app.state.db.session() as s:
        audit.record(
            s, principal, "view_escalation", "escalation", escalation_id, {"via": "api"}
        )
    return _with_deliveries(record)


@router.post(
    "/escalations/{escalation_id}/acknowledge",
    summary="Acknowledge an escalation (X-CSRF-Token header required)",
    dependencies=[Depends(current_principal), Depends(require_csrf)],
    responses={409: {"description": "Already acknowledged; the first one stands"}},
)
def acknowledge_escalation(
    request: Request, escalation_id: int, body: AcknowledgeRequest, principal: LoggedIn
) -> dict[str, Any]:
    try:
        record = acknowledge(
            request.app.state.db, escalation_id, principal.id, body.note, via="api"
        )
    except (EscalationNotFound, NotPermitted):
        # Another therapist's escalation looks exactly like a missing one.
        raise HTTPException(status_code=404) from None
    except AlreadyAcknowledged:
        raise HTTPException(409, "Already acknowledged; the first one stands") from None
    return _with_deliveries(record)


@router.get("/patients", summary="Your patients (all of them for an admin)")
def patients(request: Request, principal: LoggedIn) -> list[dict[str, Any]]:
    return [
        {
            "id": row.patient.id,
            "display_name": row.patient.display_name,
            "therapist_id": row.patient.therapist_id,
            "therapist_name": row.therapist_name,
            "active": row.patient.active,
            "sessions": row.sessions,
            "last_session_at": row.last_session.started_at
            if row.last_session
            else None,
            "last_session_status": row.last_session.status
            if row.last_session
            else None,
            "latest_mood": row.latest_mood,
            "open_flags": row.open_flags,
        }
        for row in patient_rows(request, principal)
    ]


@router.get("/patients/{patient_id}", summary="One patient: sessions and mood trend")
def patient(request: Request, patient_id: int, principal: LoggedIn) -> dict[str, Any]:
    sessions = load_patient(request, principal, patient_id)
    with request.app.state.db.session() as s:
        audit.record(
            s, principal, "view_patient", "patient", patient_id, {"via": "api"}
        )
    person = sessions.patient
    return {
        "id": person.id,
        "display_name": person.display_name,
        "therapist_id": person.therapist_id,
        "locale": person.locale,
        "active": person.active,
        "sessions": [
            {
                "session": session_slug(summary),
                "number": number,
                "url": f"/api/patients/{person.id}/sessions/{session_slug(summary)}",
                "stored_summary_id": sessions.stored_ids.get(summary.session_key),
                "status": summary.status,
                "end_reason": summary.end_reason,
                "infusion_number": summary.infusion.number,
                "started_at": summary.started_at,
                "mood_before": summary.mood.before,
                "mood_after": summary.mood.after,
                "anxiety_before": summary.anxiety.before,
                "highest_risk_level": summary.highest_risk_level,
            }
            for number, summary in enumerate(sessions.summaries, start=1)
        ],
        "trend": [point.__dict__ for point in trend_points(sessions.summaries)],
    }


def _session_response(
    request: Request, principal: Principal, view
) -> dict[str, Any]:  # noqa: ANN001
    with request.app.state.db.session() as s:
        audit.record(
            s,
            principal,
            "view_session",
            "session",
            view.summary.session_key,
            {"patient": view.sessions.patient.id, "via": "api"},
        )
    return session_document(view)


@router.get(
    "/patients/{patient_id}/sessions/{slug}",
    summary="One session: summary and transcript",
)
def patient_session(
    request: Request, patient_id: int, slug: str, principal: LoggedIn
) -> dict[str, Any]:
    view = load_session(request, principal, patient_id, slug)
    return _session_response(request, principal, view)


@router.get(
    "/sessions/{summary_id}",
    summary="The session of a stored summary (the id in summary notifications)",
)
def stored_session(
    request: Request, summary_id: int, principal: LoggedIn
) -> dict[str, Any]:
    patient_id, slug = locate_stored_summary(request, principal, summary_id)
    view = load_session(request, principal, patient_id, slug)
    return _session_response(request, principal, view)


@router.get("/audit", summary="The audit log, newest first (admins only)")
def audit_log(
    request: Request, principal: Admin, page: int = 1, limit: int = 100
) -> dict[str, Any]:
    page, limit = max(1, page), min(max(1, limit), 500)
    with request.app.state.db.session() as s:
        entries = s.scalars(
            select(AuditEntry)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * limit)
            .limit(limit)
        ).all()
        return {
            "page": page,
            "entries": [
                {
                    "id": e.id,
                    "at": e.at,
                    "actor_id": e.actor_id,
                    "actor": e.actor,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "detail": e.detail,
                }
                for e in entries
            ],
        }
