"""Parsing the patient's free-typed answers: ratings, timing, trap choices.

Patients may be tired or still a little dissociated, typing on a phone, so the
parsers accept the many ways people say a number ("7", "seven", "7/10",
"about a 7", "6 or 7", "70%") and give ``None`` rather than guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "none": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    # Spanish, for the numbers patients type most.
    "cero": 0, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SINGLE_DIGIT_WORDS = "|".join(k for k, v in _UNITS.items() if 0 < v < 10)
_NUMBER_WORD = re.compile(
    rf"\b(?:a\s+)?(hundred|(?:{'|'.join(_TENS)})(?:[\s-]+(?:{_SINGLE_DIGIT_WORDS}))?"
    rf"|{'|'.join(_UNITS)})\b"
)
# "one" after these is a pronoun ("that one", "the last one", "no one"), not 1.
_PRONOUN_ONE = re.compile(
    r"\b(?:this|that|the|last|next|previous|other|another|each|every|no|any|"
    r"which|first|same|wrong|right|yin|wee|back)\s+$"
)
_DIGITS = re.compile(r"(?<![\d.])(\d{1,3}(?:[.,]\d+)?)(?![\d])")
_OUT_OF = re.compile(r"^\s*(?:/|out\s+of|of)\s*(10|100|ten|a hundred|hundred)\b")
_SCALE_WORDS = {"10": 10, "100": 100, "ten": 10, "a hundred": 100, "hundred": 100}


@dataclass(frozen=True)
class Rating:
    """A parsed rating, or why none could be read."""

    value: float | None
    problem: str | None = None  # "unclear" | "out_of_range"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return text.replace("½", ".5")


def _words_to_number(match: str) -> int | None:
    match = match.replace("a ", "").strip()
    if match == "hundred":
        return 100
    parts = re.split(r"[\s-]+", match)
    total = 0
    for part in parts:
        if part in _TENS:
            total += _TENS[part]
        elif part in _UNITS:
            total += _UNITS[part]
        else:
            return None
    return total


def _numbers_in(text: str) -> list[tuple[float, int, int]]:
    """Numbers in ``text`` with their spans, digits and words alike."""
    found = [
        (float(m.group(1).replace(",", ".")), m.start(), m.end())
        for m in _DIGITS.finditer(text)
    ]
    for m in _NUMBER_WORD.finditer(text):
        if m.group(1) == "one" and _PRONOUN_ONE.search(text, 0, m.start()):
            continue
        value = _words_to_number(m.group(1))
        if value is not None:
            found.append((float(value), m.start(), m.end()))
    return sorted(found, key=lambda item: item[1])


def parse_rating(text: str, low: int, high: int) -> Rating:
    """Read a rating on the scale ``low``..``high`` from free text.

    "6 or 7" and "6-7" give the midpoint; "7/10" reads as 7 and "70%" on a
    0-10 scale as 7. A number followed by "/10" on a 0-100 scale is scaled.

    Returns:
        ``Rating(value)`` or ``Rating(None, "unclear" | "out_of_range")``.
    """
    text = _normalise(text)
    numbers = _numbers_in(text)
    if not numbers:
        return Rating(None, "unclear")
    value, _start, end = numbers[0]
    rest = text[end:]
    out_of = _OUT_OF.match(rest)
    if out_of:
        scale = _SCALE_WORDS[out_of.group(1)]
        if scale != high:
            value = value * high / scale
    elif rest.lstrip().startswith("%") and high == 10:
        value = value / 10
    elif len(numbers) > 1 and re.match(
        r"^\s*(?:or|to|-|–|o)\s*$", text[end : numbers[1][1]]
    ):
        value = (value + numbers[1][0]) / 2
    if not low <= value <= high:
        return Rating(None, "out_of_range")
    return Rating(round(value, 1) if value % 1 else float(int(value)))


_HOUR_UNITS = {
    "minute": 1 / 60,
    "min": 1 / 60,
    "hour": 1,
    "hr": 1,
    "h": 1,
    "day": 24,
    "week": 168,
}
_RELATIVE = (
    (re.compile(r"\b(just now|just had|an hour ago|earlier today)\b"), 1.0),
    (re.compile(r"\b(a couple|couple) (of )?hours?\b"), 2.0),
    (re.compile(r"\b(a few|few|several) hours?\b"), 3.0),
    (re.compile(r"\b(a couple|couple) (of )?days?\b"), 48.0),
    (re.compile(r"\b(a few|few|several) days?\b"), 72.0),
    (re.compile(r"\bthis morning\b"), 6.0),
    (re.compile(r"\bthis afternoon\b"), 3.0),
    (re.compile(r"\blast night\b"), 14.0),
    (re.compile(r"\b(yesterday|ayer)\b"), 24.0),
    (re.compile(r"\bday before yesterday\b|\banteayer\b"), 48.0),
    (re.compile(r"\blast week\b"), 168.0),
)


def parse_hours_since_infusion(text: str) -> float | None:
    """Hours since the infusion from "3 hours", "two days ago", "yesterday"...

    Returns:
        The hours (approximate for phrases like "last night"), or ``None``.
    """
    text = _normalise(text)
    numbers = _numbers_in(text)
    for value, _start, end in numbers:
        unit = re.match(
            r"\s*(and a half\s+)?(minute|min|hour|hr|h|day|week|hora|día|dia|semana)s?"
            r"\b(\s+(?:and a half|y media)\b)?",
            text[end:],
        )
        if unit:
            name = {"hora": "hour", "día": "day", "dia": "day", "semana": "week"}.get(
                unit.group(2), unit.group(2)
            )
            half = 0.5 if unit.group(1) or unit.group(3) else 0.0
            return round((value + half) * _HOUR_UNITS[name], 2)
    # "an hour and a half", "hora y media"
    and_a_half = re.search(
        r"\b(hour|day|week|hora|día|dia)s? (?:and a half|y media)\b", text
    )
    if and_a_half:
        name = {"hora": "hour", "día": "day", "dia": "day"}.get(
            and_a_half.group(1), and_a_half.group(1)
        )
        return 1.5 * _HOUR_UNITS[name]
    for pattern, hours in reversed(_RELATIVE):
        if pattern.search(text):
            return hours
    unit_only = re.search(r"\b(an?|one) (hour|day|week)\b", text)
    if unit_only:
        return float(_HOUR_UNITS[unit_only.group(2)])
    if numbers and len(text.split()) <= 2:
        return numbers[0][0]  # a bare number answers "how many hours ago?"
    return None


def parse_trap_choice(
    text: str, labels: Mapping[str, str], offered: Sequence[str] = ()
) -> list[str]:
    """The traps a patient named, from button payloads or free text.

    Args:
        text: What the patient sent ("Mind reading", "mind_reading",
            "the first one", "mind reading and fortune telling").
        labels: Trap name -> plain-language label.
        offered: The traps offered as buttons, in order (for "the first one").

    Returns:
        Trap names in the order mentioned; empty when none was recognised.
    """
    text = _normalise(text).replace("-", " ").replace("_", " ")
    found: list[tuple[int, str]] = []
    for name, label in labels.items():
        for alias in {name.replace("_", " "), _normalise(label).replace("-", " ")}:
            position = text.find(alias)
            if position >= 0:
                found.append((position, name))
                break
    ordinals = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
    for word, index in ordinals.items():
        position = text.find(word)
        if position >= 0 and index < len(offered):
            found.append((position, offered[index]))
    names: list[str] = []
    for _position, name in sorted(found):
        if name not in names:
            names.append(name)
    return names
