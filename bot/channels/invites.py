"""Clinic-issued invite links: create, verify, revoke, list.

An invite link is ``<chat_url>/webhooks/patient/join?token=<signed token_id>``.
It stays usable (each use signs in one more device) until it expires or is
revoked: one-time links break when a messaging app fetches the link for a
preview before the patient taps it. Revoking an invite also signs out every
device that joined with it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from bot.channels.tokens import INVITE_SALT, sign, unsign
from bot.config import get_config
from bot.store import Database, DeviceSession, Invite, Patient
from bot.store.types import as_utc, utcnow

DEFAULT_TTL = timedelta(days=7)
# Hard upper bound, also enforced on the signature, whatever the database says.
MAX_TTL = timedelta(days=30)
JOIN_PATH = "/webhooks/patient/join"


class InviteError(ValueError):
    """An invite cannot be created or used.

    ``reason`` is one of ``invalid``, ``expired``, ``revoked``,
    ``patient_inactive``, ``unknown_patient`` or ``bad_ttl``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedInvite:
    """An invite that may sign a device in right now."""

    invite_id: int
    token_id: str
    patient_id: int


def invite_url(token: str, base_url: str | None = None) -> str:
    """The link a patient taps: the patient channel's join route with ``token``."""
    base = (base_url or get_config().clinic.chat_url).rstrip("/")
    return f"{base}{JOIN_PATH}?{urlencode({'token': token})}"


def create_invite(
    db: Database,
    patient_id: int,
    created_by: int | None = None,
    ttl: timedelta = DEFAULT_TTL,
    base_url: str | None = None,
    secret_key: str | None = None,
) -> tuple[Invite, str]:
    """Create an invite for an active patient.

    Args:
        db: The application database.
        patient_id: Who the link signs in.
        created_by: The clinician issuing it (None from the command line).
        ttl: How long the link stays valid; at most ``MAX_TTL``.
        base_url: Public URL of the Rasa server; defaults to ``clinic.chat_url``.
        secret_key: Signing key; defaults to ``bot.secrets.get_secret_key()``.

    Returns:
        The stored invite and the link to give the patient.

    Raises:
        InviteError: ``unknown_patient``, ``patient_inactive`` or ``bad_ttl``.
    """
    if not timedelta(0) < ttl <= MAX_TTL:
        raise InviteError("bad_ttl")
    token_id = secrets.token_urlsafe(24)
    with db.session() as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise InviteError("unknown_patient")
        if not patient.active:
            raise InviteError("patient_inactive")
        invite = Invite(
            token_id=token_id,
            patient_id=patient_id,
            created_by=created_by,
            expires_at=utcnow() + ttl,
        )
        session.add(invite)
    token = sign(token_id, INVITE_SALT, secret_key)
    return invite, invite_url(token, base_url)


def verify_invite(
    db: Database, token: str, secret_key: str | None = None
) -> VerifiedInvite:
    """Check a token from a link: signature, expiry, revocation, patient active.

    Raises:
        InviteError: with the reason the link cannot be used.
    """
    token_id = unsign(token, INVITE_SALT, MAX_TTL.total_seconds(), secret_key)
    if token_id is None:
        raise InviteError("invalid")
    with db.session() as session:
        invite = session.query(Invite).filter_by(token_id=token_id).one_or_none()
        if invite is None:
            raise InviteError("invalid")
        if invite.revoked_at is not None:
            raise InviteError("revoked")
        if as_utc(invite.expires_at) <= utcnow():
            raise InviteError("expired")
        if not invite.patient.active:
            raise InviteError("patient_inactive")
        return VerifiedInvite(invite.id, invite.token_id, invite.patient_id)


def revoke_invite(db: Database, token_id: str) -> bool:
    """Revoke an invite and sign out every device that joined with it.

    Returns:
        False if no invite has this ``token_id``.
    """
    now = utcnow()
    with db.session() as session:
        invite = session.query(Invite).filter_by(token_id=token_id).one_or_none()
        if invite is None:
            return False
        if invite.revoked_at is None:
            invite.revoked_at = now
        session.query(DeviceSession).filter(
            DeviceSession.invite_id == invite.id, DeviceSession.revoked_at.is_(None)
        ).update({DeviceSession.revoked_at: now}, synchronize_session=False)
    return True


def list_invites(db: Database, patient_id: int) -> list[Invite]:
    """The patient's invites, newest first."""
    with db.session() as session:
        return (
            session.query(Invite)
            .filter_by(patient_id=patient_id)
            .order_by(Invite.created_at.desc(), Invite.id.desc())
            .all()
        )


def invite_status(invite: Invite, now: datetime | None = None) -> str:
    """``revoked``, ``expired`` or ``active``."""
    if invite.revoked_at is not None:
        return "revoked"
    if as_utc(invite.expires_at) <= (now or utcnow()):
        return "expired"
    return "active"
