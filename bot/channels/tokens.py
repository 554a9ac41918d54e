"""Signed tokens for invite links and device-session cookies.

Both carry only a random id that points at a database row; the signature
(``bot.secrets.get_secret_key``) stops forgery, the row says whether the id is
still good. Each use has its own salt, so one kind of token never passes as
the other.
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeTimedSerializer

from bot.secrets import get_secret_key

INVITE_SALT = "afterglow.patient-invite"
DEVICE_SESSION_SALT = "afterglow.patient-device-session"


def _serializer(salt: str, secret_key: str | None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key or get_secret_key(), salt=salt)


def sign(value: str, salt: str, secret_key: str | None = None) -> str:
    """A URL-safe, timestamped signature of ``value``."""
    return _serializer(salt, secret_key).dumps(value)


def unsign(
    token: str, salt: str, max_age_seconds: float, secret_key: str | None = None
) -> str | None:
    """The value inside ``token``, or None if it is forged, malformed or too old."""
    if not isinstance(token, str) or not token or len(token) > 512:
        return None
    try:
        value = _serializer(salt, secret_key).loads(token, max_age=max_age_seconds)
    except BadData:
        return None
    return value if isinstance(value, str) else None
