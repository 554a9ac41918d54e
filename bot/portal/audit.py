"""Audit entries for what portal users read and change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from bot.portal.auth import Principal
from bot.store import AuditEntry


def record(
    s: Session,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: object,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append an audit entry in the caller's unit of work.

    Args:
        s: The open database session; the entry commits with it.
        principal: Who did it.
        action: What, e.g. ``view_transcript``, ``export_summary``.
        object_type: ``reflection``, ``patient``, ``escalation``, ...
        object_id: The object's id.
        detail: Small, non-clinical context (format, route); never patient text.
    """
    s.add(
        AuditEntry(
            actor_id=principal.id,
            actor=principal.email,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=dict(detail) if detail else None,
        )
    )
