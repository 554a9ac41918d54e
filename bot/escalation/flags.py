"""Reading a crisis flag out of one broker ``user`` event (pure, no I/O).

Malformed shapes never raise: a field of the wrong type reads as missing, so
one odd event cannot stop the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.escalation.levels import LEVELS, ROUTING_INTENTS, highest, normalize_level

UNSPECIFIED_CATEGORY = "unspecified"
UNKNOWN_DETECTOR = "unknown"


@dataclass(frozen=True)
class Flag:
    """What the NLU pipeline said about one flagged patient message."""

    level: str
    category: str
    evidence: list[Any] = field(default_factory=list)
    detector_version: str = UNKNOWN_DETECTOR
    # True when the verdict carried a level string outside LEVELS.
    unrecognized_level: bool = False


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _entity(parse_data: Mapping[str, Any], name: str) -> str | None:
    entities = parse_data.get("entities")
    for entity in entities if isinstance(entities, list) else []:
        entity = _mapping(entity)
        if entity.get("entity") == name and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def flag_from_event(data: Mapping[str, Any]) -> Flag | None:
    """The flag of a ``user`` event, or ``None`` when it is not flagged.

    A message is flagged when ``parse_data.crisis.level`` is not ``none`` or
    when its intent is a routing intent (e.g. a crisis button, which skips
    NLU). When both speak, the higher level wins.
    """
    parse_data = _mapping(data.get("parse_data"))
    crisis = _mapping(parse_data.get("crisis"))
    intent = _mapping(parse_data.get("intent")).get("name")
    intent = intent if isinstance(intent, str) else None
    intent_level, intent_category = ROUTING_INTENTS.get(intent, (None, None))

    raw_level = crisis.get("level")
    verdict_level = normalize_level(raw_level)
    if verdict_level == "none":
        verdict_level = None
    if verdict_level is None and intent_level is None:
        return None

    level = highest([verdict_level, intent_level])
    category = crisis.get("category") if verdict_level else None
    category = (
        category
        or _entity(parse_data, "crisis_category")
        or intent_category
        or UNSPECIFIED_CATEGORY
    )
    evidence = crisis.get("evidence") if verdict_level else None
    version = crisis.get("detector_version")
    return Flag(
        level=level,
        category=str(category)[:40],
        evidence=evidence if isinstance(evidence, list) else [],
        detector_version=str(version)[:40] if version else UNKNOWN_DETECTOR,
        unrecognized_level=verdict_level is not None
        and str(raw_level).strip().lower() not in LEVELS,
    )
