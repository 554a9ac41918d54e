"""Settle the triage level from the C-SSRS screener answers.

When the detector flags a message, the dialogue asks the Columbia Suicide
Severity Rating Scale screener (recent version). Its answers settle the level:

===============================================  ==========================
answers                                          level
===============================================  ==========================
``behavior_past_3_months`` yes                   high
``suicidal_thoughts`` yes and ``intent`` yes     high
``suicidal_thoughts`` yes and ``plan`` yes       high
``suicidal_thoughts`` yes and ``method`` yes     moderate
``suicidal_thoughts`` yes                        moderate
``wish_dead`` yes only                           low
no positive answer                               no change (``None``)
===============================================  ==========================

Skip rule: as in the screener, when ``suicidal_thoughts`` is answered no the
method, intent and plan questions are not asked, so any value given for them is
ignored. ``None`` means "not asked" or "no answer".

The screener never yields ``imminent``: imminence needs a timeline, means at
hand or an act in progress, which the screener does not ask about; the
detector finds those in the message itself. Likewise the screener never
*lowers* a level: a patient who disclosed risk and then answers "no" keeps the
detector's level (see :func:`settle`), as with a retraction.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.safety.verdict import Level

QUESTIONS = (
    "wish_dead",
    "suicidal_thoughts",
    "method",
    "intent",
    "plan",
    "behavior_past_3_months",
)
_SKIPPED_WITHOUT_THOUGHTS = ("method", "intent", "plan")


def screener_level(answers: Mapping[str, bool | None]) -> Level | None:
    """The level the screener answers indicate, or ``None`` for no positive answer.

    Args:
        answers: question key (see :data:`QUESTIONS`) -> ``True``, ``False`` or
            ``None``; missing keys count as ``None``.

    Raises:
        ValueError: for an unknown key or a value that is not True/False/None.
    """
    unknown = set(answers) - set(QUESTIONS)
    if unknown:
        raise ValueError(f"unknown C-SSRS questions: {sorted(unknown)}")
    for key, value in answers.items():
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"C-SSRS answer {key!r} must be True, False or None")

    given = dict(answers)
    if given.get("suicidal_thoughts") is False:
        for key in _SKIPPED_WITHOUT_THOUGHTS:
            given[key] = None

    if given.get("behavior_past_3_months"):
        return Level.HIGH
    if given.get("intent") or given.get("plan"):
        return Level.HIGH
    if given.get("method") or given.get("suicidal_thoughts"):
        return Level.MODERATE
    if given.get("wish_dead"):
        return Level.LOW
    return None


def settle(initial: Level, answers: Mapping[str, bool | None]) -> Level:
    """Final level: the screener can raise the detector's level, never lower it."""
    level = screener_level(answers)
    return initial if level is None else max(initial, level)


def questions_to_ask(answers: Mapping[str, bool | None]) -> tuple[str, ...]:
    """The screener questions for these answers so far, in order.

    Applies the skip rule: with no suicidal thoughts, method, intent and plan
    are not asked.
    """
    if answers.get("suicidal_thoughts") is False:
        return tuple(q for q in QUESTIONS if q not in _SKIPPED_WITHOUT_THOUGHTS)
    return QUESTIONS
