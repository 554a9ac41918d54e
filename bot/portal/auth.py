"""Who is asking: login sessions, roles and the route dependencies.

Anonymous requests are refused before anything else: pages redirect to the
login page (302), the API answers 401. Admin-only routes answer 404 to a
therapist, like any object that is not theirs, so nothing leaks existence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bot.store import Clinician

SESSION_ID_KEY = "sid"


@dataclass(frozen=True)
class Principal:
    """The logged-in clinician, detached from any database session."""

    id: int
    email: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, clinician: Clinician) -> Principal:
        return cls(clinician.id, clinician.email, clinician.name, clinician.role)


class NotAuthenticated(Exception):
    """No valid login; the app turns it into a redirect or a 401."""


def lookup_principal(request: Request) -> Principal | None:
    """The logged-in clinician of this request, if the login is still valid."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    principal = None
    session_id = request.session.get(SESSION_ID_KEY)
    clinician_id = request.app.state.sessions.touch(session_id) if session_id else None
    if clinician_id is not None:
        with request.app.state.db.session() as s:
            clinician = s.get(Clinician, clinician_id)
            # A deactivated clinician loses access at their very next request.
            if clinician is not None and clinician.active:
                principal = Principal.of(clinician)
    if principal is None and session_id:
        request.app.state.sessions.end(session_id)
        request.session.pop(SESSION_ID_KEY, None)
    request.state.principal = principal
    return principal


def current_principal(request: Request) -> Principal:
    """Dependency: the logged-in clinician, or NotAuthenticated."""
    principal = lookup_principal(request)
    if principal is None:
        raise NotAuthenticated()
    return principal


def admin_principal(principal: Principal = Depends(current_principal)) -> Principal:
    """Dependency: a logged-in admin; anyone else gets 404."""
    if not principal.is_admin:
        raise HTTPException(status_code=404)
    return principal


# The signed-in clinician, as a route parameter type.
LoggedIn = Annotated[Principal, Depends(current_principal)]
