"""The action server refuses calls without the shared secret (issue 13, item 5)."""

from __future__ import annotations

import asyncio
import json
import socket

import aiohttp
import pytest
from sanic import Sanic

from bot.action_server import (
    ACTION_TOKEN_ENV,
    ACTION_TOKEN_HEADER,
    ActionTokenError,
    action_token,
    create_app,
)

TOKEN = "a-test-action-server-token-of-enough-length"
SAFETY_PLAN_CALL = {
    "next_action": "action_show_safety_plan",
    "sender_id": "patient-1-conversation",
    "tracker": {
        "sender_id": "patient-1-conversation",
        "slots": {},
        "latest_message": {"text": "", "intent": {}, "entities": []},
        "events": [],
        "active_loop": {},
    },
    "domain": {},
    "version": "3.6.21",
}


@pytest.fixture(autouse=True)
def _several_apps(monkeypatch):
    # Each test builds the app afresh; Sanic refuses a second app of one name.
    monkeypatch.setattr(Sanic, "test_mode", True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _calls(
    requests: list[tuple[str, str, dict | None, dict]],
    package: str = "actions",
    concurrent: bool = False,
) -> list[tuple]:
    """Serve the real app on a free port and make ``requests`` against it."""
    app = create_app(TOKEN, package)
    port = _free_port()

    async def scenario() -> list[tuple]:
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True
        )
        await server.startup()
        results = []
        try:
            async with aiohttp.ClientSession() as session:

                async def call(method, path, body, headers):  # noqa: ANN001, ANN202
                    async with session.request(
                        method,
                        f"http://127.0.0.1:{port}{path}",
                        data=json.dumps(body) if body is not None else None,
                        headers=headers,
                    ) as reply:
                        return reply.status, await reply.text()

                if concurrent:
                    results = list(await asyncio.gather(*(call(*r) for r in requests)))
                else:
                    for request in requests:
                        results.append(await call(*request))
        finally:
            server.close()
            await server.wait_closed()
        return results

    return asyncio.run(scenario())


def test_a_forged_call_gets_nothing_of_the_patient():
    forged, wrong, right = _calls(
        [
            ("POST", "/webhook", SAFETY_PLAN_CALL, {}),
            ("POST", "/webhook", SAFETY_PLAN_CALL, {ACTION_TOKEN_HEADER: "guess"}),
            ("POST", "/webhook", SAFETY_PLAN_CALL, {ACTION_TOKEN_HEADER: TOKEN}),
        ]
    )
    assert forged == (401, '{"error":"unauthorised"}')
    assert wrong == (401, '{"error":"unauthorised"}')
    assert right[0] == 200 and "events" in json.loads(right[1])


def test_only_health_is_open():
    health, listing = _calls(
        [("GET", "/health", None, {}), ("GET", "/actions", None, {})]
    )
    assert health[0] == 200
    assert listing[0] == 401


def test_a_failing_action_does_not_echo_the_conversation():
    # Rasa logs the body of a failed call; Rasa SDK's own handler echoes the
    # whole request (the tracker, with what the patient wrote) in it.
    marker = "zebra-marker-text-of-a-patient"
    call = {**SAFETY_PLAN_CALL, "tracker": {"latest_message": {"text": marker}}}
    ((status, body),) = _calls(
        [("POST", "/webhook", call, {ACTION_TOKEN_HEADER: TOKEN})]
    )
    assert status == 500
    assert json.loads(body) == {"error": "action failed"}


def test_a_blocking_action_does_not_hold_up_other_calls():
    # Issue 13, item 3: sync actions ran on the event loop, so one waiting on a
    # busy database froze the server and Rasa's calls were cut off.
    call = {**SAFETY_PLAN_CALL, "next_action": "action_meet_another"}
    authorised = {ACTION_TOKEN_HEADER: TOKEN}
    replies = _calls(
        [("POST", "/webhook", call, authorised)] * 2,
        package="tests.actions.waiting_actions",
        concurrent=True,
    )
    assert [status for status, _ in replies] == [200, 200]


def test_a_body_that_is_not_a_call_gets_400():
    authorised = {ACTION_TOKEN_HEADER: TOKEN}
    ((status, _),) = _calls([("POST", "/webhook", None, authorised)])
    assert status == 400


def test_the_secret_is_required_and_long(monkeypatch):
    monkeypatch.delenv(ACTION_TOKEN_ENV, raising=False)
    with pytest.raises(ActionTokenError):
        action_token()
    monkeypatch.setenv(ACTION_TOKEN_ENV, "short")
    with pytest.raises(ActionTokenError):
        action_token()
    monkeypatch.setenv(ACTION_TOKEN_ENV, TOKEN)
    assert action_token() == TOKEN
