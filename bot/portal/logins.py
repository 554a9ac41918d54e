"""Server-side login sessions.

The signed session cookie carries only a random session id and the CSRF
token; who is logged in lives here, so logout and deactivation take effect
at once. Sessions are kept in memory: a portal restart logs everyone out,
which is acceptable for a single-process clinic portal.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class LoginSession:
    """One logged-in browser."""

    clinician_id: int
    started_at: float
    last_seen_at: float


class LoginSessionStore:
    """Login sessions by id, with an idle and an absolute time-out."""

    def __init__(
        self,
        idle_seconds: float,
        max_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._idle_seconds = idle_seconds
        self._max_seconds = max_seconds
        self._clock = clock
        self._sessions: dict[str, LoginSession] = {}
        self._lock = threading.Lock()

    def start(self, clinician_id: int) -> str:
        """Open a session for ``clinician_id`` and return its new random id."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._drop_expired(now)
            self._sessions[session_id] = LoginSession(clinician_id, now, now)
        return session_id

    def touch(self, session_id: str) -> int | None:
        """The clinician of a live session (and mark it used), else None."""
        now = self._clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[session_id]
                return None
            session.last_seen_at = now
            return session.clinician_id

    def end(self, session_id: str) -> None:
        """Forget one session (logout)."""
        with self._lock:
            self._sessions.pop(session_id, None)

    def end_all_for(self, clinician_id: int) -> None:
        """Forget every session of a clinician (deactivation)."""
        with self._lock:
            for session_id in [
                sid
                for sid, session in self._sessions.items()
                if session.clinician_id == clinician_id
            ]:
                del self._sessions[session_id]

    def _expired(self, session: LoginSession, now: float) -> bool:
        return (
            now - session.last_seen_at > self._idle_seconds
            or now - session.started_at > self._max_seconds
        )

    def _drop_expired(self, now: float) -> None:
        for session_id in [
            sid
            for sid, session in self._sessions.items()
            if self._expired(session, now)
        ]:
            del self._sessions[session_id]
