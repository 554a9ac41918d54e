"""The pattern language compiles to spaCy Matcher token patterns."""

import re

import pytest

from bot.safety.patterns import PatternCompiler, PatternError, canonical

SETS = {
    "SELF": ["myself", "my self"],
    "WANT": ["want", "wanna"],
    "LOOP": ["@LOOP"],
}


@pytest.fixture
def compiler():
    return PatternCompiler(
        SETS, lemmatize=lambda w: canonical({"killing": "kill"}.get(w, w))
    )


def test_words_alternatives_and_optional(compiler):
    assert compiler.compile("@WANT to? die/dead") == [
        [
            {"LEMMA": {"IN": ["wanna", "want"]}},
            {"LEMMA": "to", "OP": "?"},
            {"LEMMA": {"IN": ["dead", "die"]}},
        ]
    ]


def test_multi_word_set_entries_expand(compiler):
    assert compiler.compile("kill @SELF") == [
        [{"LEMMA": "kill"}, {"LEMMA": "myself"}],
        [{"LEMMA": "kill"}, {"LEMMA": "my"}, {"LEMMA": "self"}],
    ]


def test_single_word_groups_merge_into_one_token(compiler):
    assert compiler.compile("(a|b|c)? x") == [
        [{"LEMMA": {"IN": ["a", "b", "c"]}, "OP": "?"}, {"LEMMA": "x"}]
    ]


def test_pattern_words_match_lemma_or_surface(compiler):
    assert compiler.compile("killing") == [[{"LEMMA": {"IN": ["kill", "killing"]}}]]


def test_norm_number_wildcards_and_negated_tokens(compiler):
    assert compiler.compile("=pecho #NUM? !than x *2 _") == [
        [
            {"NORM": "pecho"},
            {"LIKE_NUM": True, "OP": "?"},
            {"LEMMA": {"NOT_IN": ["than"]}},
            {"LEMMA": "x"},
            {"OP": "?"},
            {"OP": "?"},
            {},
        ]
    ]


def test_accents_and_case_are_removed(compiler):
    assert compiler.compile("Corté") == [[{"LEMMA": "corte"}]]


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("", "empty pattern"),
        ("x?", "can match an empty span"),
        ("( a", "unclosed '('"),
        ("( a | )", "empty alternative"),
        ("@NOPE", "unknown set @NOPE"),
        ("@LOOP", "refers to itself"),
        ("a/", "bad token"),
        ("want !to", "ends with a '!' token"),
        ("a ) b", "unexpected ')'"),
    ],
)
def test_errors(compiler, pattern, message):
    with pytest.raises(PatternError, match=re.escape(message)):
        compiler.compile(pattern)


def test_too_many_alternatives_are_refused():
    compiler = PatternCompiler({"S": [f"w{i} x" for i in range(70)]})
    with pytest.raises(PatternError, match="too many alternatives"):
        compiler.compile("@S @S")
