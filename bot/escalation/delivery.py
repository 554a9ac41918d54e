"""The delivery loop: send due outbox rows, retry failures with backoff.

Rows are retried until delivered, forever: the delay doubles from
``retry.first_delay_seconds`` up to ``retry.max_delay_seconds`` with a little
jitter. No database transaction is open while a notifier talks to the network;
instead each row is claimed by moving its ``next_attempt_at`` a lease ahead, so
a worker that dies mid-send leaves the row due again once the lease ends.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.config import Retry
from bot.escalation.notifiers import DeliveryError, Notifier
from bot.escalation.timeutil import as_utc
from bot.store.db import Database
from bot.store.models import Escalation, Notification

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
CLAIM_CHUNK = 5
BUDGET_SECONDS = 15.0
_MAX_EXPONENT = 40  # 2**40 s is far beyond any max delay; avoids float overflow
_JITTER = 0.1


def backoff_delay(attempts: int, retry: Retry, rng: random.Random) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones (>= 1)."""
    exponent = min(max(attempts - 1, 0), _MAX_EXPONENT)
    base = min(retry.first_delay_seconds * 2**exponent, retry.max_delay_seconds)
    return timedelta(seconds=base * (1 + rng.uniform(-_JITTER, _JITTER)))


@dataclass
class DeliveryReport:
    """Counts of one delivery pass."""

    delivered: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    escalation_id: int | None
    kind: str
    channel: str
    target: str
    payload: Mapping[str, Any]


def _claim(db: Database, now: datetime, limit: int) -> list[_Claimed]:
    claimed: list[_Claimed] = []
    with db.session() as session:
        rows = session.scalars(
            select(Notification)
            .where(Notification.status == "pending")
            .where(Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
        ).all()
        for row in rows:
            # Compare-and-set, so two workers never send the same row at once.
            result = session.execute(
                update(Notification)
                .where(Notification.id == row.id)
                .where(Notification.status == "pending")
                .where(Notification.next_attempt_at <= now)
                .values(next_attempt_at=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                claimed.append(
                    _Claimed(
                        row.id,
                        row.escalation_id,
                        row.kind,
                        row.channel,
                        row.target,
                        dict(row.payload or {}),
                    )
                )
    return claimed


def _record_success(db: Database, item: _Claimed, now: datetime) -> None:
    with db.session() as session:
        row = session.get(Notification, item.id)
        row.status = "delivered"
        row.attempts += 1
        row.delivered_at = now
        row.last_error = None
        if item.escalation_id is not None:
            escalation = session.get(Escalation, item.escalation_id)
            last = as_utc(escalation.last_notified_at)
            if last is None or last < now:
                escalation.last_notified_at = now


def _record_failure(
    db: Database,
    item: _Claimed,
    reason: str,
    now: datetime,
    retry: Retry,
    rng: random.Random,
) -> datetime:
    with db.session() as session:
        row = session.get(Notification, item.id)
        row.attempts += 1
        row.last_error = reason[:500]
        row.next_attempt_at = now + backoff_delay(row.attempts, retry, rng)
        return row.next_attempt_at


def _deliver_one(
    db: Database,
    notifiers: dict[str, Notifier],
    item: _Claimed,
    retry: Retry,
    now: datetime,
    rng: random.Random,
) -> bool:
    notifier = notifiers.get(item.channel)
    try:
        if notifier is None:
            raise DeliveryError(f"no notifier for channel {item.channel!r}")
        notifier(item.target, item.kind, item.payload)
    except Exception as error:  # noqa: BLE001 - any failure means retry later
        reason = (
            str(error) if isinstance(error, DeliveryError) else type(error).__name__
        )
        next_at = _record_failure(db, item, reason, now, retry, rng)
        logger.warning(
            "notification %s (escalation %s, %s) failed: %s; next try at %s",
            item.id,
            item.escalation_id,
            item.channel,
            reason,
            next_at.isoformat(),
        )
        return False
    _record_success(db, item, now)
    logger.info(
        "notification %s (escalation %s, %s, %s) delivered",
        item.id,
        item.escalation_id,
        item.channel,
        item.kind,
    )
    return True


def deliver_due(
    db: Database,
    notifiers: dict[str, Notifier],
    retry: Retry,
    now: datetime,
    *,
    limit: int = 50,
    budget_seconds: float = BUDGET_SECONDS,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Try the pending rows whose time has come.

    Rows are claimed a few at a time, and the pass ends when none is due,
    ``limit`` were tried, or ``budget_seconds`` of wall time are spent, so
    slow targets cannot hold up the worker's next ingest for long. A failing
    or crashing notifier only reschedules its own row.
    """
    rng = rng or random.Random()
    report = DeliveryReport()
    started = time.monotonic()
    tried = 0
    while tried < limit and time.monotonic() - started < budget_seconds:
        chunk = _claim(db, now, min(CLAIM_CHUNK, limit - tried))
        if not chunk:
            break
        for item in chunk:
            if _deliver_one(db, notifiers, item, retry, now, rng):
                report.delivered += 1
            else:
                report.failed += 1
        tried += len(chunk)
    return report
