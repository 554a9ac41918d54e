"""Escalation pages: the queue (the landing page), one escalation, acknowledge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bot.escalation import (
    AlreadyAcknowledged,
    EscalationNotFound,
    NotPermitted,
    acknowledge,
    get_escalation,
    list_escalations,
)
from bot.portal import audit
from bot.portal.auth import LoggedIn, Principal
from bot.portal.guards import LOGGED_IN_POST
from bot.portal.queue import build_queue, deliveries
from bot.portal.routes.login import safe_next
from bot.portal.templating import flash, render

router = APIRouter(include_in_schema=False)

MAX_NOTE_LENGTH = 2000


def visible_escalation(
    request: Request, principal: Principal, escalation_id: int
) -> dict:
    """The escalation record, or 404 when absent or not the clinician's."""
    try:
        return get_escalation(
            request.app.state.db, escalation_id, viewer_id=principal.id
        )
    except (EscalationNotFound, NotPermitted):
        # Another therapist's escalation looks exactly like a missing one.
        raise HTTPException(status_code=404) from None


@router.get("/")
def queue_page(request: Request, principal: LoggedIn) -> Response:
    records = list_escalations(request.app.state.db, viewer_id=principal.id)
    return render(
        request,
        "queue.html",
        queue=build_queue(records),
        deliveries=deliveries,
        max_note_length=MAX_NOTE_LENGTH,
    )


@router.get("/escalations/{escalation_id}")
def escalation_page(
    request: Request, escalation_id: int, principal: LoggedIn
) -> Response:
    record = visible_escalation(request, principal, escalation_id)
    with request.app.state.db.session() as s:
        # The page quotes the patient's message and the turns before it.
        audit.record(s, principal, "view_escalation", "escalation", escalation_id)
    return render(
        request,
        "escalation.html",
        record=record,
        deliveries=deliveries(record),
        max_note_length=MAX_NOTE_LENGTH,
    )


@router.post("/escalations/{escalation_id}/acknowledge", dependencies=LOGGED_IN_POST)
def acknowledge_page(
    request: Request,
    escalation_id: int,
    principal: LoggedIn,
    note: Annotated[str, Form(max_length=MAX_NOTE_LENGTH)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        acknowledge(
            request.app.state.db, escalation_id, principal.id, note, via="portal"
        )
    except (EscalationNotFound, NotPermitted):
        # Another therapist's escalation looks exactly like a missing one.
        raise HTTPException(status_code=404) from None
    except AlreadyAcknowledged:
        flash(request, "Someone acknowledged this escalation already; theirs stands.")
    else:
        flash(request, "Escalation acknowledged.")
    return RedirectResponse(safe_next(next), status_code=303)
