"""Normalisation rewrites slang and noise and maps offsets back to the original."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.normalise import Normaliser, strip_accents

KNOWN = {"kill", "die", "feel", "please", "help", "suicide"}


@pytest.fixture(scope="module")
def normaliser():
    return Normaliser(
        replacements={"kms": "kill myself", "sucide": "suicide", "kil": "kill"},
        emoji={"🔪": "emoji_knife", "⚰": "emoji_coffin"},
        is_known=KNOWN.__contains__,
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("KMS", "kill myself"),
        ("kmssss", "kill myself"),
        ("sucide", "suicide"),
        ("killll", "kill"),
        ("diiiiie", "die"),
        ("sooooo", "so"),
        ("feeeeel", "feel"),
        ("pleeeaseeee", "please"),
        ("k1ll", "kill"),
        ("ki\u200bll", "kill"),
        ("ＫＩＬＬ", "kill"),
        ("I’m", "i'm"),
        ("🔪", " emoji_knife "),
        ("⚰️", " emoji_coffin "),
        ("a\x00b", "a b"),
    ],
)
def test_rewrites(normaliser, text, expected):
    assert normaliser.normalise(text).text == expected


def test_offsets_map_rewritten_words_to_their_original_span(normaliser):
    original = "ugh KMSSS 🔪 now"
    result = normaliser.normalise(original)
    for match in re.finditer(r"\S+", result.text):
        start, end = result.to_original(*match.span())
        assert original[start:end] in {"ugh", "KMSSS", "🔪", "now"}


def test_junk_is_broken_into_short_runs(normaliser):
    result = normaliser.normalise("(" * 5000 + "x" * 200)
    assert max(len(run) for run in result.text.split()) <= 64


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_span_maps_inside_the_original(normaliser, text):
    result = normaliser.normalise(text)
    for start in range(0, len(result.text), 7):
        for end in (start + 1, start + 5, len(result.text)):
            end = min(end, len(result.text))
            if end <= start:
                continue
            o_start, o_end = result.to_original(start, end)
            assert 0 <= o_start <= o_end <= len(text)


def test_strip_accents():
    assert strip_accents("corté está niño") == "corte esta nino"
