import pytest

from bot.reflection import parse_hours_since_infusion, parse_rating, parse_trap_choice


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("seven", 7),
        ("7/10", 7),
        ("about a 7", 7),
        ("6 or 7", 6.5),
        ("Seven out of ten", 7),
        ("70%", 7),
        ("0", 0),
        ("10", 10),
        ("ten", 10),
        ("prob a 3 tbh", 3),
        ("5.5", 5.5),
        ("6-7", 6.5),
        ("siete", 7),
    ],
)
def test_ratings_on_a_ten_point_scale(text, expected):
    assert parse_rating(text, 0, 10).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80%", 80),
        ("80", 80),
        ("8/10", 80),
        ("about 75 percent", 75),
        ("a hundred", 100),
        ("ninety", 90),
        ("50 or 60", 55),
        ("seventy five", 75),
    ],
)
def test_ratings_on_a_percentage_scale(text, expected):
    assert parse_rating(text, 0, 100).value == expected


@pytest.mark.parametrize("text", ["idk", "", "pretty bad", "🙂", "<b>x</b>"])
def test_unclear_ratings_are_not_guessed(text):
    assert parse_rating(text, 0, 10) == parse_rating(text, 0, 10)
    assert parse_rating(text, 0, 10).value is None
    assert parse_rating(text, 0, 10).problem == "unclear"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pass on that one", None),
        ("the last one, i want to change it", None),
        ("go back one", None),
        ("no one cares, 3", 3),
        ("one", 1),
        ("maybe a one", 1),
        ("one or two", 1.5),
    ],
)
def test_one_as_a_pronoun_is_not_a_rating(text, expected):
    assert parse_rating(text, 0, 10).value == expected


def test_out_of_range_rating_is_reported():
    rating = parse_rating("11", 0, 10)
    assert rating.value is None and rating.problem == "out_of_range"


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("3 hours", 3),
        ("yesterday", 24),
        ("two days ago", 48),
        ("about 36 hours ago", 36),
        ("a week ago", 168),
        ("1 week", 168),
        ("last night", 14),
        ("hace 2 días", 48),
        ("5", 5),
        ("30 minutes", 0.5),
        ("a few hours ago", 3),
        ("couple of hours", 2),
        ("a few days ago", 72),
    ],
)
def test_time_since_infusion(text, hours):
    assert parse_hours_since_infusion(text) == hours


def test_time_since_infusion_unknown():
    assert parse_hours_since_infusion("not sure really") is None


LABELS = {
    "mind_reading": "Mind reading",
    "fortune_telling": "Fortune telling",
    "labeling": "Labeling",
}


def test_trap_choice_from_buttons_and_free_text():
    assert parse_trap_choice("Mind reading", LABELS) == ["mind_reading"]
    assert parse_trap_choice("fortune-telling and mind reading", LABELS) == [
        "fortune_telling",
        "mind_reading",
    ]
    assert parse_trap_choice(
        "the second one", LABELS, ["labeling", "mind_reading"]
    ) == ["mind_reading"]
    assert parse_trap_choice("no idea", LABELS) == []


def test_and_a_half():
    from bot.reflection.answers import parse_hours_since_infusion

    assert parse_hours_since_infusion("maybe hour and a half?? time is weird") == 1.5
    assert parse_hours_since_infusion("like 1 and a half hours i think") == 1.5
    assert parse_hours_since_infusion("2 hours and a half") == 2.5
    assert parse_hours_since_infusion("hace una hora y media") == 1.5
