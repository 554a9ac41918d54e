"""The conversation transcript, with crisis messages marked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.summary.model import Turn
from bot.summary.timeline import Event, EventLike, applied_events

# Routing intents of the crisis path (docs/ARCHITECTURE.md) and the level each
# implies when the parse data carries no verdict.
CRISIS_INTENT_LEVELS = {
    "crisis_imminent": "imminent",
    "crisis_high": "high",
    "crisis_moderate": "moderate",
    "crisis_low": "low",
    "crisis_check": "low",
    "medical_emergency": "imminent",
    "medical_concern": None,
}
CRISIS_INTENT_CATEGORIES = {
    "medical_emergency": "medical_emergency",
    "medical_concern": "persistent_dissociation",
    "crisis_check": "unclear",
}


@dataclass(frozen=True)
class CrisisMark:
    """Why a patient message is flagged."""

    level: str | None
    category: str | None


def _entity(parse_data: Mapping[str, Any], name: str) -> str | None:
    for entity in parse_data.get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("entity") == name:
            value = entity.get("value")
            return str(value) if value is not None else None
    return None


def crisis_mark(event: Event) -> CrisisMark | None:
    """The crisis mark of a ``user`` event, or ``None`` when it is not flagged.

    The detector's verdict (``parse_data.crisis``) wins; a routing intent
    flags the message too, with the level from its entities or the intent.
    """
    if event.type != "user":
        return None
    parse_data = event.data.get("parse_data") or {}
    verdict = parse_data.get("crisis")
    if isinstance(verdict, Mapping) and verdict.get("level", "none") != "none":
        return CrisisMark(verdict.get("level"), verdict.get("category"))
    intent = (parse_data.get("intent") or {}).get("name")
    if intent in CRISIS_INTENT_LEVELS:
        return CrisisMark(
            _entity(parse_data, "crisis_level") or CRISIS_INTENT_LEVELS[intent],
            _entity(parse_data, "crisis_category")
            or CRISIS_INTENT_CATEGORIES.get(intent),
        )
    return None


def bot_text(event: Event) -> str | None:
    """What a ``bot`` event showed as text, if anything."""
    text = event.data.get("text")
    return text if isinstance(text, str) and text.strip() else None


def build_transcript(events: Iterable[EventLike]) -> list[Turn]:
    """Patient and bot messages in order, rewinds applied, crisis turns flagged.

    Args:
        events: Rasa event dicts, ``bot.store.events.StreamEvent`` rows or
            ``bot.summary.timeline.Event`` objects, oldest first.
    """
    turns: list[Turn] = []
    for event in applied_events(events):
        if event.type == "user":
            text = event.data.get("text")
            if not isinstance(text, str):
                continue
            mark = crisis_mark(event)
            turns.append(
                Turn(
                    role="patient",
                    text=text,
                    timestamp=event.timestamp,
                    flagged=mark is not None,
                    level=mark.level if mark else None,
                    category=mark.category if mark else None,
                )
            )
        elif event.type == "bot":
            text = bot_text(event)
            if text is not None:
                turns.append(Turn(role="bot", text=text, timestamp=event.timestamp))
    return turns
