"""Overlap resolution: the longer reading wins, and risk wins a tie."""

from bot.safety.analysis import Hit, outermost
from bot.safety.lexicon import Rule
from bot.safety.verdict import Level


def rule(kind: str, level: Level = Level.MODERATE) -> Rule:
    return Rule(
        id=f"{kind}.x",
        kind=kind,
        category=None if kind != "risk" else "explicit_si",
        level=level,
        signals=frozenset(),
        gates=frozenset(),
        requires=frozenset(),
        near=None,
        unless_near=frozenset(),
        unless_next=frozenset(),
        min_number=None,
        blood_pressure=False,
        patterns=(),
    )


def hit(kind: str, start: int, end: int, level: Level = Level.MODERATE) -> Hit:
    return Hit(rule(kind, level), "en", 0, 1, start, end, 0)


def test_longer_exception_swallows_contained_risk():
    risk, exception = hit("risk", 5, 10), hit("exception", 0, 20)
    assert outermost([risk, exception]) == [exception]


def test_risk_wins_an_equal_span_against_an_exception():
    risk, exception = hit("risk", 0, 10), hit("exception", 0, 10)
    assert outermost([exception, risk]) == [risk]


def test_partial_overlaps_are_both_kept():
    first, second = hit("risk", 0, 10), hit("risk", 5, 15)
    assert outermost([second, first]) == [first, second]


def test_equal_spans_keep_the_higher_level():
    low, high = hit("risk", 0, 10, Level.LOW), hit("risk", 0, 10, Level.HIGH)
    assert outermost([low, high]) == [high]
