"""Throttling of failed portal logins: per account, and per address where it counts.

After ``max_failures`` failures inside the window, further attempts for that
key are refused, without checking the password, for a delay that starts at
``lockout_seconds`` and doubles with every further failure, up to
``lockout_max_seconds``: a backoff, never a permanent lockout. A successful
login clears the account's record (not the address's, so one valid account
cannot unlock guessing at others).

The address counter applies only where the client address tells clients apart.
Without ``--behind-proxy`` every browser reaching a portal on 127.0.0.1 is
127.0.0.1, so counting by address would let anyone lock every clinician out;
loopback addresses are therefore never counted. Behind a proxy the portal
takes the client address from ``X-Forwarded-For`` set by the proxy on
127.0.0.1 (uvicorn's ``proxy_headers``), and the address limit applies.

Counts live in the application database (table ``login_failures``): they
survive a restart and are shared by every portal process.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable

from bot.store import Database
from bot.store.models import LoginFailure


def tells_clients_apart(address: str) -> bool:
    """False for loopback or unknown addresses: every client looks the same."""
    if address in ("", "unknown"):
        return False
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name (test clients): distinct by name
        return True


class FailureCounter:
    """Failures and backoff for one kind of key (account or address)."""

    def __init__(
        self,
        db: Database,
        kind: str,
        max_failures: int,
        lockout_seconds: float,
        lockout_max_seconds: float,
        window_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._kind = kind
        self._max_failures = max_failures
        self._lockout_seconds = lockout_seconds
        self._lockout_max_seconds = lockout_max_seconds
        self._window_seconds = window_seconds
        self._clock = clock

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it may now."""
        with self._db.session() as session:
            record = session.get(LoginFailure, (self._kind, key))
            if record is None:
                return 0.0
            return max(0.0, record.locked_until - self._clock())

    def fail(self, key: str) -> None:
        """Count one failure; start or lengthen the backoff past the limit."""
        now = self._clock()
        with self._db.session() as session:
            record = session.get(LoginFailure, (self._kind, key), with_for_update=True)
            if record is None:
                record = LoginFailure(kind=self._kind, key=key, failures=0)
                session.add(record)
            if record.failures and (
                now - record.first_failure_at > self._window_seconds
                and now >= record.locked_until
            ):
                record.failures = 0
            if not record.failures:
                record.first_failure_at, record.locked_until = now, 0.0
            record.failures += 1
            excess = record.failures - self._max_failures
            if excess >= 0:
                delay = min(
                    self._lockout_seconds * 2**excess, self._lockout_max_seconds
                )
                record.locked_until = now + delay

    def clear(self, key: str) -> None:
        """Forget the key's failures (after a successful login)."""
        with self._db.session() as session:
            record = session.get(LoginFailure, (self._kind, key))
            if record is not None:
                session.delete(record)


class LoginThrottle:
    """The account counter and the address counter together."""

    def __init__(
        self,
        db: Database,
        account_max_failures: int,
        ip_max_failures: int,
        lockout_seconds: float,
        lockout_max_seconds: float,
        window_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        limits = dict(
            lockout_seconds=lockout_seconds,
            lockout_max_seconds=lockout_max_seconds,
            window_seconds=window_seconds,
            clock=clock,
        )
        self.accounts = FailureCounter(db, "account", account_max_failures, **limits)
        self.addresses = FailureCounter(db, "address", ip_max_failures, **limits)

    def retry_after(self, account: str, address: str) -> float:
        """Seconds before this account may be tried from this address."""
        wait = self.accounts.retry_after(account)
        if tells_clients_apart(address):
            wait = max(wait, self.addresses.retry_after(address))
        return wait

    def failed(self, account: str, address: str) -> None:
        self.accounts.fail(account)
        if tells_clients_apart(address):
            self.addresses.fail(address)

    def succeeded(self, account: str) -> None:
        self.accounts.clear(account)
