"""Which infusion a reflection is about: one rule for the record and the summary."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.reflection.infusion import infusion_reflected_on

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc)


@dataclass
class Given:
    number: int
    administered_at: datetime


INFUSIONS = [
    Given(1, NOW - timedelta(days=7)),
    Given(2, NOW - timedelta(hours=26)),
    Given(3, NOW + timedelta(hours=2)),  # booked for later today
]


def _number(hours):  # noqa: ANN001
    match = infusion_reflected_on(INFUSIONS, NOW, hours)
    return match.number if match else None


def test_without_an_estimate_the_latest_infusion_so_far():
    assert _number(None) == 2
    assert _number("skipped") == 2


def test_a_rough_estimate_is_allowed_some_slack():
    assert _number(24) == 2  # "yesterday", given 26 hours ago
    assert _number(32) == 2  # within six hours either way
    assert _number(33) == 1


def test_an_infusion_in_the_future_is_never_the_one():
    assert _number(0) == 2
    assert infusion_reflected_on(INFUSIONS[2:], NOW, 0) is None


def test_naive_times_are_taken_as_utc():
    naive = [Given(1, (NOW - timedelta(hours=3)).replace(tzinfo=None))]
    assert infusion_reflected_on(naive, NOW, 3).number == 1
