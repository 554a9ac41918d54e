"""Login and logout (cookie session, CSRF token, throttled failures)."""

from __future__ import annotations

import math
from functools import lru_cache

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from starlette.responses import Response

from bot.portal import audit
from bot.portal.auth import (
    SESSION_ID_KEY,
    Principal,
    current_principal,
    lookup_principal,
)
from bot.portal.csrf import require_csrf, rotate_csrf_token
from bot.portal.guards import LOGGED_IN_POST
from bot.portal.templating import render
from bot.store import AuditEntry, Clinician
from bot.store.passwords import hash_password, needs_rehash, verify_password

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Unknown accounts still cost one Argon2 verification, so response time
    # does not tell which email addresses exist.
    return hash_password("afterglow-no-such-account")


def _audit_failure(
    s, account: str, clinician: Clinician | None, address: str
) -> None:  # noqa: ANN001
    """A failed login in the audit log (throttling bounds how many get here)."""
    s.add(
        AuditEntry(
            actor_id=clinician.id if clinician else None,
            actor=account[:254] or "(empty)",
            action="login_failed",
            object_type="clinician",
            object_id=str(clinician.id) if clinician else "unknown",
            detail={"address": address},
        )
    )


def safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect to another host."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if lookup_principal(request) is not None:
        return RedirectResponse(safe_next(next), status_code=302)
    return render(request, "login.html", next=safe_next(next), email="", error=None)


@router.post("/login", dependencies=[Depends(require_csrf)])
def login(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    state = request.app.state
    account = email.strip().lower()
    address = request.client.host if request.client else "unknown"

    def refuse(status_code: int, error: str) -> Response:
        return render(
            request,
            "login.html",
            status_code=status_code,
            next=safe_next(next),
            email=email,
            error=error,
        )

    wait = state.throttle.retry_after(account, address)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        return refuse(429, f"Too many failed attempts. Try again in {minutes} min.")

    with state.db.session() as s:
        clinician = s.scalars(
            select(Clinician).where(func.lower(Clinician.email) == account)
        ).first()
        password_ok = verify_password(
            clinician.password_hash if clinician else _dummy_hash(), password
        )
        if clinician is None or not clinician.active or not password_ok:
            state.throttle.failed(account, address)
            _audit_failure(s, account, clinician, address)
            return refuse(
                401, "That email and password do not match an active account."
            )
        if needs_rehash(clinician.password_hash):
            clinician.password_hash = hash_password(password)
        principal = Principal.of(clinician)
        audit.record(s, principal, "login", "clinician", principal.id)

    state.throttle.succeeded(account)
    # A new session id and CSRF token at login: no session fixation.
    request.session.clear()
    request.session[SESSION_ID_KEY] = state.sessions.start(principal.id)
    rotate_csrf_token(request)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=LOGGED_IN_POST)
def logout(
    request: Request, principal: Principal = Depends(current_principal)
) -> Response:
    request.app.state.sessions.end(request.session.get(SESSION_ID_KEY, ""))
    with request.app.state.db.session() as s:
        audit.record(s, principal, "logout", "clinician", principal.id)
    request.session.clear()
    rotate_csrf_token(request)
    return RedirectResponse("/login", status_code=303)
