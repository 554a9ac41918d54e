"""Throttling of failed logins, per account and per client address.

After ``max_failures`` failures inside the window, further attempts for that
key are refused without checking the password for a lockout that starts at
``lockout_seconds`` and doubles with every further failure, up to
``lockout_max_seconds``. A successful login clears the account's record (not
the address's, so one valid account cannot unlock guessing at others).
State is in memory: a restart clears it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int = 0
    first_failure_at: float = 0.0
    locked_until: float = 0.0


class FailureCounter:
    """Failures and lockouts for one kind of key (account or address)."""

    def __init__(
        self,
        max_failures: int,
        lockout_seconds: float,
        lockout_max_seconds: float,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_failures = max_failures
        self._lockout_seconds = lockout_seconds
        self._lockout_max_seconds = lockout_max_seconds
        self._window_seconds = window_seconds
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it is not locked."""
        with self._lock:
            record = self._records.get(key)
            if record is None:
                return 0.0
            return max(0.0, record.locked_until - self._clock())

    def fail(self, key: str) -> None:
        """Count one failure; lock the key once it has too many."""
        now = self._clock()
        with self._lock:
            record = self._records.get(key)
            if record is None or (
                now - record.first_failure_at > self._window_seconds
                and now >= record.locked_until
            ):
                record = self._records[key] = _Record(first_failure_at=now)
            record.failures += 1
            excess = record.failures - self._max_failures
            if excess >= 0:
                lockout = min(
                    self._lockout_seconds * 2**excess, self._lockout_max_seconds
                )
                record.locked_until = now + lockout

    def clear(self, key: str) -> None:
        """Forget the key's failures (after a successful login)."""
        with self._lock:
            self._records.pop(key, None)


class LoginThrottle:
    """The account counter and the address counter together."""

    def __init__(
        self,
        account_max_failures: int,
        ip_max_failures: int,
        lockout_seconds: float,
        lockout_max_seconds: float,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        limits = dict(
            lockout_seconds=lockout_seconds,
            lockout_max_seconds=lockout_max_seconds,
            window_seconds=window_seconds,
            clock=clock,
        )
        self.accounts = FailureCounter(account_max_failures, **limits)
        self.addresses = FailureCounter(ip_max_failures, **limits)

    def retry_after(self, account: str, address: str) -> float:
        """Seconds before this account may be tried from this address."""
        return max(
            self.accounts.retry_after(account), self.addresses.retry_after(address)
        )

    def failed(self, account: str, address: str) -> None:
        self.accounts.fail(account)
        self.addresses.fail(address)

    def succeeded(self, account: str) -> None:
        self.accounts.clear(account)
