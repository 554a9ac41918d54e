"""Typed text and button payloads: what the patient channel accepts."""

import pytest

from bot.channels.messages import (
    MAX_MESSAGE_CHARS,
    InputRejected,
    clean_text,
    offered_title,
    validate_payload,
)


def rejection(function, *args) -> str:
    with pytest.raises(InputRejected) as caught:
        function(*args)
    return caught.value.code


@pytest.mark.parametrize(
    "raw",
    [
        "", "   ", "\n\t", "\x00\x07", "/", " // ", "\u202e",
        "\u200b\u200b", "\u200d\u200c\u200d", "\u3164", "\u2800 \u2800",
    ],
)  # fmt: skip
def test_empty_text_is_rejected(raw):
    assert rejection(clean_text, raw) == "empty"


@pytest.mark.parametrize("raw", [None, 42, ["hi"], {"text": "hi"}])
def test_non_string_text_is_a_bad_request(raw):
    assert rejection(clean_text, raw) == "bad_request"


def test_text_at_the_limit_passes_and_one_more_character_is_rejected():
    assert len(clean_text("a" * MAX_MESSAGE_CHARS)) == MAX_MESSAGE_CHARS
    assert rejection(clean_text, "a" * (MAX_MESSAGE_CHARS + 1)) == "too_long"
    assert rejection(clean_text, "a" * (10 * MAX_MESSAGE_CHARS)) == "too_long"


def test_invisible_characters_do_not_count_towards_the_limit():
    padded = "a" * MAX_MESSAGE_CHARS + "\x00" * 10
    assert clean_text(padded) == "a" * MAX_MESSAGE_CHARS


def test_control_and_bidi_characters_are_stripped_but_lines_and_emoji_stay():
    raw = "line one\r\nline\x00 two\x1b[31m\u202egnirts\ttab 👩‍⚕️ 🫠"
    assert clean_text(raw) == "line one\nline two[31mgnirts\ttab 👩‍⚕️ 🫠"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/restart", "restart"),
        ("  /greet", "greet"),
        ('/inform{"mood_before": 9}', 'inform{"mood_before": 9}'),
        ("// / stop", "stop"),
        ("and/or is fine", "and/or is fine"),
    ],
)
def test_typed_slashes_cannot_become_intent_payloads(raw, expected):
    assert clean_text(raw) == expected


def test_markup_is_kept_verbatim_for_pages_to_render_as_text():
    assert clean_text("<script>alert(1)</script>") == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "payload",
    [
        "/affirm",
        "/start_reflection",
        '/inform{"mood_before": 7}',
        '/inform{"mood_before":7,"anxiety_before":3}',
        '/inform{"emotion": "sad"}',
        '/choose{"trap": "all-or-nothing thinking"}',
        '/inform{"flag": true, "note": null}',
    ],
)
def test_well_formed_payloads_pass(payload):
    assert validate_payload(payload) == payload


@pytest.mark.parametrize(
    "payload",
    [
        "affirm",
        "/",
        "/9lives",
        "/affirm please",
        "/affirm@0.9",
        "/nlu_fallback+affirm",
        '/inform{"mood_before": 7',
        '/inform{"mood_before": {"nested": 1}}',
        '/inform{"mood_before": [1, 2]}',
        '/inform{"slot": "<script>"}',
        '/inform{"bad key": 1}',
        '/inform{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1}',
        "/" + "a" * 600,
        None,
        7,
    ],
)
def test_malformed_payloads_are_rejected(payload):
    assert rejection(validate_payload, payload) == "invalid_payload"


def test_payload_intents_are_checked_against_the_domain_when_known():
    assert validate_payload("/affirm", {"affirm", "deny"}) == "/affirm"
    assert rejection(validate_payload, "/restart", {"affirm"}) == "invalid_payload"


OFFERED = [
    {"title": "Okay (4-6)", "payload": '/inform{"mood_before": 5}'},
    {"title": "A few hours ago", "payload": "3 hours"},
]


def test_a_press_shows_the_offered_title_never_the_clients():
    assert offered_title('/inform{"mood_before": 5}', OFFERED) == "Okay (4-6)"
    assert offered_title("3 hours", OFFERED) == "A few hours ago"


def test_a_crafted_intent_payload_is_refused():
    # Issue 13, item 9: a payload that sets a form slot, or carries words past
    # the crisis check (payloads skip the NLU pipeline).
    crafted = [
        '/inform{"mood_before": 0}',
        '/greet{"crisis_level": "none"}',
        '/inform{"note": "i_will_end_it_tonight"}',
        "/affirm",
    ]
    for payload in crafted:
        assert rejection(offered_title, payload, OFFERED) == "invalid_payload"
    assert rejection(offered_title, "/greet", []) == "invalid_payload"


def test_the_start_payload_and_unoffered_plain_text_pass_as_text():
    assert offered_title("/greet", [], "/greet") is None
    # Plain text nobody offered is read (and crisis-checked) as typed text.
    assert offered_title("I am not safe", OFFERED) is None
