"""Bad input gets a safe reply and never takes a server down."""

from __future__ import annotations

import pytest
import requests

BAD_MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t ",
    "huge": "I feel okay today. " * 5500,  # about 100 KB
    "emoji only": "😶‍🌫️🌀✨",
    "slash unknown": "/definitely_not_an_intent",
    "slash payload json": '/inform{"mood_before": "<script>"}',
    "markup": "<script>alert('x')</script><b>hello</b>",
    "control characters": "hello\x00\x07\x1b[31m",
    "binary-ish": bytes(range(1, 256)).decode("latin-1"),
}


@pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
def test_bad_input_gets_a_reply_and_server_survives(stack, name):  # noqa: ANN001
    sender = f"e2e-bad-{name.replace(' ', '-')}"
    response = requests.post(
        stack.rest_url,
        json={"sender": sender, "message": BAD_MESSAGES[name]},
        timeout=120,
    )
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    # The server still answers a normal message afterwards.
    replies = stack.send(sender, "hi")
    assert any("Afterglow" in m.get("text", "") for m in replies)


def test_malformed_json_body_is_rejected_cleanly(stack):  # noqa: ANN001
    response = requests.post(
        stack.rest_url,
        data=b"\xff\xfe not json",
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert 400 <= response.status_code < 500
    assert requests.get(f"http://127.0.0.1:{stack.rasa_port}/", timeout=10).ok


@pytest.mark.parametrize(
    "body", [b"", b"[]", b'"hi"', b'{"sender": 5, "message": "hi"}', b'{"message": []}']
)
def test_a_body_that_is_not_a_message_gets_400(stack, body):  # noqa: ANN001
    response = requests.post(
        stack.rest_url,
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert (response.status_code, response.json()) == (400, {"error": "bad_request"})


def test_crisis_buried_in_a_huge_message_is_still_caught(stack):  # noqa: ANN001
    filler = "Today was a normal day and I did some chores. " * 1000
    text = filler + "I have decided to kill myself tonight. " + filler
    replies = stack.send("e2e-bad-buried", text)
    assert any("911" in m.get("text", "") for m in replies)
