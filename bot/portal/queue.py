"""The escalation queue: ordering and notification delivery per target.

Works on the records of ``bot.escalation.service`` (plain dicts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.escalation.levels import rank

Record = dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    """Where notifications about one escalation went, and how that went.

    One line per target: the newest outbox row decides the status, the others
    (earlier reminders) are counted.
    """

    channel: str
    target: str
    status: str  # delivered | pending | cancelled
    kind: str
    attempts: int
    last_error: str | None
    delivered_at: str | None
    next_attempt_at: str | None
    rows: int


@dataclass
class Queue:
    """Open escalations, most urgent first; acknowledged ones below."""

    open: list[Record] = field(default_factory=list)
    acknowledged: list[Record] = field(default_factory=list)

    @property
    def urgent_open(self) -> int:
        return sum(1 for r in self.open if r["effective_level"] in ("imminent", "high"))


def _newest_first(record: Record) -> tuple:
    # ISO 8601 UTC strings sort like the times they name.
    return (record.get("message_at") or "", record["id"])


def build_queue(records: list[Record], acknowledged_limit: int = 50) -> Queue:
    """Order open escalations by effective level (imminent, high, the rest),
    newest first within a level; acknowledged ones latest acknowledged first.

    The effective level is the higher of detector and screener level, the one
    notifications follow (``bot.escalation.outbox.effective_level``).
    """
    open_ = [r for r in records if r["status"] != "acknowledged"]
    done = [r for r in records if r["status"] == "acknowledged"]
    open_.sort(key=_newest_first, reverse=True)
    open_.sort(key=lambda r: rank(r["effective_level"]), reverse=True)
    done.sort(key=lambda r: (r.get("acknowledged_at") or "", r["id"]), reverse=True)
    return Queue(open=open_, acknowledged=done[:acknowledged_limit])


def deliveries(record: Record) -> list[Delivery]:
    """Delivery status per (channel, target) of one escalation record."""
    groups: dict[tuple[str, str], list[Record]] = {}
    for row in record.get("notifications", []):
        groups.setdefault((row["channel"], row["target"]), []).append(row)
    result = []
    for (channel, target), rows in groups.items():
        latest = max(rows, key=lambda row: row["id"])
        result.append(
            Delivery(
                channel=channel,
                target=target,
                status=latest["status"],
                kind=latest["kind"],
                attempts=latest["attempts"],
                last_error=latest["last_error"],
                delivered_at=latest["delivered_at"],
                next_attempt_at=latest["next_attempt_at"],
                rows=len(rows),
            )
        )
    return result
