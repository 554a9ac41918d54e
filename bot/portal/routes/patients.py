"""Patient pages: the list, one patient, the whole conversation, one session."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bot.escalation import list_escalations
from bot.portal import audit
from bot.portal.auth import LoggedIn
from bot.portal.charts import SERIES, trend_chart
from bot.portal.loaders import (
    load_patient,
    load_session,
    locate_stored_summary,
    patient_rows,
)
from bot.portal.session_data import session_slug, trend_points
from bot.portal.templating import render
from bot.summary import render_html

router = APIRouter(include_in_schema=False)


@router.get("/patients")
def patient_list(request: Request, principal: LoggedIn) -> Response:
    return render(request, "patients.html", rows=patient_rows(request, principal))


@router.get("/patients/{patient_id}")
def patient_page(request: Request, patient_id: int, principal: LoggedIn) -> Response:
    sessions = load_patient(request, principal, patient_id)
    escalations = [
        record
        for record in list_escalations(request.app.state.db, viewer_id=principal.id)
        if record["patient_id"] == patient_id and record["status"] != "acknowledged"
    ]
    with request.app.state.db.session() as s:
        audit.record(s, principal, "view_patient", "patient", patient_id)
    return render(
        request,
        "patient.html",
        sessions=sessions,
        patient=sessions.patient,
        chart=trend_chart(trend_points(sessions.summaries)),
        series=SERIES,
        escalations=escalations,
        slug=session_slug,
    )


@router.get("/patients/{patient_id}/conversation")
def conversation_page(
    request: Request, patient_id: int, principal: LoggedIn
) -> Response:
    sessions = load_patient(request, principal, patient_id)
    with request.app.state.db.session() as s:
        audit.record(
            s,
            principal,
            "view_transcript",
            "patient",
            patient_id,
            {"scope": "conversation"},
        )
    return render(
        request, "conversation.html", patient=sessions.patient, turns=sessions.turns
    )


@router.get("/patients/{patient_id}/sessions/{slug}")
def session_page(
    request: Request, patient_id: int, slug: str, principal: LoggedIn
) -> Response:
    view = load_session(request, principal, patient_id, slug)
    with request.app.state.db.session() as s:
        audit.record(
            s,
            principal,
            "view_session",
            "session",
            view.summary.session_key,
            {"patient": patient_id, "summary": True, "transcript": True},
        )
    return render(
        request,
        "session.html",
        view=view,
        patient=view.sessions.patient,
        summary_html=render_html(view.summary),
    )


@router.get("/sessions/{summary_id}")
def stored_session(request: Request, summary_id: int, principal: LoggedIn) -> Response:
    """Summary notifications link here (``bot.summary``: ``/sessions/{id}``)."""
    patient_id, slug = locate_stored_summary(request, principal, summary_id)
    return RedirectResponse(f"/patients/{patient_id}/sessions/{slug}", status_code=302)
