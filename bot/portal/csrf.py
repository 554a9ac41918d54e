"""Synchronizer CSRF tokens, tied to the (signed) session cookie.

Forms send the token in the ``csrf_token`` field, API clients in the
``X-CSRF-Token`` header. Every POST is checked; GETs never change anything.
"""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    """The session's token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not token:
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def rotate_csrf_token(request: Request) -> str:
    """A fresh token (at login and logout, so a token never spans two logins)."""
    request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return request.session[SESSION_KEY]


async def require_csrf(request: Request) -> None:
    """Dependency: refuse (403) a request without the session's token."""
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(FORM_FIELD)
    if (
        not expected
        or not isinstance(sent, str)
        or not secrets.compare_digest(sent, expected)
    ):
        raise HTTPException(status_code=403, detail="Missing or invalid CSRF token")
