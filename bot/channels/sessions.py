"""Device sessions: a signed cookie names a ``DeviceSession`` row.

The row, not the cookie, decides: a session is good while it is not revoked,
younger than its lifetime, and its patient is active. The patient is resolved
from the row on every request; the conversation id comes from the patient.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.channels.invites import VerifiedInvite
from bot.channels.tokens import DEVICE_SESSION_SALT, sign, unsign
from bot.store import Database, DeviceSession, Invite
from bot.store.types import as_utc, utcnow

DEFAULT_LIFETIME = timedelta(days=30)
# Writing last_seen_at on every message would add a write per turn for no gain.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class PatientSession:
    """Who is on the other end of a request, resolved on the server."""

    session_id: str
    patient_id: int
    conversation_id: str
    locale: str


def start_device_session(
    db: Database, invite: VerifiedInvite, secret_key: str | None = None
) -> str:
    """Create a device session for the invite's patient.

    Returns:
        The signed cookie value.
    """
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with db.session() as session:
        session.add(
            DeviceSession(
                session_id=session_id,
                patient_id=invite.patient_id,
                invite_id=invite.invite_id,
                created_at=now,
                last_seen_at=now,
            )
        )
        stored_invite = session.get(Invite, invite.invite_id)
        if stored_invite.used_at is None:
            stored_invite.used_at = now
    return sign(session_id, DEVICE_SESSION_SALT, secret_key)


def resolve_device_session(
    db: Database,
    cookie: str | None,
    lifetime: timedelta = DEFAULT_LIFETIME,
    secret_key: str | None = None,
) -> PatientSession | None:
    """The patient behind a device-session cookie, or None if it is not good."""
    session_id = unsign(
        cookie or "", DEVICE_SESSION_SALT, lifetime.total_seconds(), secret_key
    )
    if session_id is None:
        return None
    now = utcnow()
    with db.session() as session:
        device = (
            session.query(DeviceSession).filter_by(session_id=session_id).one_or_none()
        )
        if (
            device is None
            or device.revoked_at is not None
            or as_utc(device.created_at) + lifetime <= now
            or not device.patient.active
        ):
            return None
        last_seen = as_utc(device.last_seen_at)
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            device.last_seen_at = now
        patient = device.patient
        return PatientSession(
            session_id=session_id,
            patient_id=patient.id,
            conversation_id=patient.conversation_id,
            locale=patient.locale,
        )


def revoke_device_session(db: Database, session_id: str) -> None:
    """Sign a device out for good (idempotent)."""
    with db.session() as session:
        session.query(DeviceSession).filter(
            DeviceSession.session_id == session_id, DeviceSession.revoked_at.is_(None)
        ).update({DeviceSession.revoked_at: utcnow()}, synchronize_session=False)
