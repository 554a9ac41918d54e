"""Portal settings: signing key, cookie flags, session and throttling limits."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bot.secrets import get_secret_key

HTTPS_ENV = "AFTERGLOW_PORTAL_HTTPS"


@dataclass(frozen=True)
class PortalSettings:
    """Everything security-relevant about one portal instance.

    Attributes:
        secret_key: Signs the session cookie.
        secure_cookies: Adds ``Secure`` to cookies (portal served over https).
        session_idle_minutes: A login ends after this long without a request.
        session_max_hours: A login ends this long after it began, active or not.
        account_max_failures: Failed logins per account before the backoff.
        ip_max_failures: Failed logins per client address before the backoff
            (never counted for loopback addresses: see ``bot.portal.throttle``).
        lockout_seconds: The first delay; each further failure doubles it.
        lockout_max_seconds: The longest delay.
        failure_window_seconds: Failures older than this are forgotten.
    """

    secret_key: str
    secure_cookies: bool = False
    session_idle_minutes: float = 30
    session_max_hours: float = 12
    account_max_failures: int = 5
    ip_max_failures: int = 20
    lockout_seconds: float = 60
    lockout_max_seconds: float = 900
    failure_window_seconds: float = 3600

    @classmethod
    def from_environment(cls, portal_url: str = "") -> PortalSettings:
        """Settings for a real run: key from ``bot.secrets`` (env or ``var/``).

        Cookies get ``Secure`` when the clinic's portal URL is https or
        ``$AFTERGLOW_PORTAL_HTTPS`` is ``1``.
        """
        https = portal_url.startswith("https://") or os.environ.get(HTTPS_ENV) == "1"
        return cls(secret_key=get_secret_key(), secure_cookies=https)
