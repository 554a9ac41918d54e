"""The patient channel over HTTP, served by a real Sanic app around a stub bot."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.channels.messages import MAX_MESSAGE_CHARS
from bot.channels.patient import COOKIE_NAME
from bot.components.answer_interpreter import DIALOGUE_STATE_KEY
from bot.store import DeviceSession, Invite, Patient
from bot.store.types import utcnow


def signed_in(server, patient_id: int | None = None) -> httpx.Client:
    """A client that followed a fresh invite link for a (new) patient."""
    client = httpx.Client(timeout=10)
    reply = client.get(server.invite(patient_id or server.make_patient()))
    assert reply.status_code == 200
    assert '<meta http-equiv="refresh" content="0; url=./">' in reply.text
    return client


def send(client, server, body, **kwargs) -> httpx.Response:
    return client.post(server.url("webhook"), json=body, **kwargs)


def echo(reply: httpx.Response) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()["messages"][0]["custom"]["echo"]


def conversation_of(server, patient_id: int) -> str:
    with server.database.session() as session:
        return session.get(Patient, patient_id).conversation_id


def history_texts(client, server) -> list[str]:
    reply = client.get(server.url("history"))
    assert reply.status_code == 200, reply.text
    return [message["text"] for message in reply.json()["messages"]]


# ---- joining -------------------------------------------------------------


def test_a_valid_invite_sets_a_strict_httponly_cookie_and_opens_the_chat(stub_server):
    client = httpx.Client(timeout=10)
    reply = client.get(stub_server.invite(stub_server.make_patient()))
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == "no-store"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/webhooks/patient/"):
        assert attribute in cookie
    assert reply.headers["referrer-policy"] == "no-referrer"

    page = client.get(stub_server.url())
    assert page.status_code == 200
    assert "Get help now" in page.text
    assert "988" in page.text  # crisis resources are in the page itself
    assert "<script>" not in page.text  # no inline script: the CSP holds
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"


def test_the_page_follows_the_patient_locale(stub_server):
    client = signed_in(stub_server, stub_server.make_patient(locale="es"))
    page = client.get(stub_server.url())
    assert '<html lang="es">' in page.text
    assert "Pedir ayuda ahora" in page.text
    assert "Línea de Prevención" in page.text


def test_the_chat_page_without_a_trailing_slash_redirects(stub_server):
    reply = httpx.get(stub_server.base_url + "/webhooks/patient", timeout=10)
    assert reply.status_code == 303
    assert reply.headers["location"].endswith("/webhooks/patient/")


def forged_variants(server, patient_id: int) -> list[str]:
    link = server.invite(patient_id)
    token = parse_qs(urlsplit(link).query)["token"][0]
    return [
        link.replace(token, token[:-3] + "abc"),
        link.replace(token, "not-a-token"),
        server.url("join"),
        server.url("join?token=") + "x" * 600,
    ]


def test_forged_expired_and_revoked_invites_show_the_notice_and_no_cookie(stub_server):
    patient_id = stub_server.make_patient()
    links = forged_variants(stub_server, patient_id)

    expired_link = stub_server.invite(patient_id)
    revoked_link = stub_server.invite(patient_id)
    with stub_server.database.session() as session:
        invites = session.query(Invite).filter_by(patient_id=patient_id).all()
        expired, revoked = invites[-2], invites[-1]
        expired.expires_at = utcnow() - timedelta(minutes=1)
        revoked.revoked_at = utcnow()
    links += [expired_link, revoked_link]

    for link in links:
        reply = httpx.get(link, timeout=10)
        assert reply.status_code == 403, link
        assert "set-cookie" not in reply.headers
        assert "This link has expired or is not valid" in reply.text
        assert "988" in reply.text  # help is still on the page


def test_without_a_session_there_is_no_conversation(stub_server):
    client = httpx.Client(timeout=10)
    assert client.get(stub_server.url()).status_code == 403
    assert client.get(stub_server.url("history")).status_code == 401
    reply = send(client, stub_server, {"message": "echo hi"})
    assert (reply.status_code, reply.json()) == (401, {"error": "session"})
    client.cookies.set(COOKIE_NAME, "forged.cookie.value", path="/webhooks/patient/")
    assert send(client, stub_server, {"message": "echo hi"}).status_code == 401


# ---- identity --------------------------------------------------------------


def test_the_conversation_id_comes_from_the_session_not_the_client(stub_server):
    alice, bob = stub_server.make_patient(), stub_server.make_patient(locale="es")
    alice_client, bob_client = signed_in(stub_server, alice), signed_in(
        stub_server, bob
    )
    bob_conversation = conversation_of(stub_server, bob)

    assert echo(send(bob_client, stub_server, {"message": "echo bob's secret"}))
    spoofed = echo(
        send(
            alice_client,
            stub_server,
            {
                "message": "echo hello",
                "sender": bob_conversation,
                "sender_id": bob_conversation,
                "metadata": {"locale": "es", "patient_id": bob},
                "input_channel": "rest",
            },
        )
    )
    assert spoofed["sender_id"] == conversation_of(stub_server, alice)
    assert without_dialogue_state(spoofed["metadata"]) == {"locale": "en"}
    assert spoofed["input_channel"] == "patient"

    assert "echo bob's secret" not in history_texts(alice_client, stub_server)
    assert "echo hello" not in history_texts(bob_client, stub_server)
    assert history_texts(alice_client, stub_server) == ["echo hello"]


def without_dialogue_state(metadata: dict) -> dict:
    """The metadata minus the dialogue state the channel reads for itself."""
    return {k: v for k, v in metadata.items() if k != DIALOGUE_STATE_KEY}


def test_the_patient_locale_travels_as_metadata(stub_server):
    client = signed_in(stub_server, stub_server.make_patient(locale="es"))
    metadata = echo(send(client, stub_server, {"message": "echo hola"}))["metadata"]
    assert without_dialogue_state(metadata) == {"locale": "es"}


def test_logout_revokes_this_device_only(stub_server):
    patient_id = stub_server.make_patient()
    phone, laptop = signed_in(stub_server, patient_id), signed_in(
        stub_server, patient_id
    )
    stolen_cookie = phone.cookies[COOKIE_NAME]

    reply = phone.post(stub_server.url("logout"), json={})
    assert reply.status_code == 200
    assert "Max-Age=0" in reply.headers["set-cookie"]
    assert send(phone, stub_server, {"message": "echo after"}).status_code == 401

    replay = httpx.Client(timeout=10)
    replay.cookies.set(COOKIE_NAME, stolen_cookie, path="/webhooks/patient/")
    assert send(replay, stub_server, {"message": "echo replay"}).status_code == 401
    assert replay.get(stub_server.url("history")).status_code == 401

    assert echo(send(laptop, stub_server, {"message": "echo still here"}))
    signed_out = phone.get(stub_server.url("?signed_out=1"))
    assert signed_out.status_code == 200
    assert "You are signed out on this device" in signed_out.text


def test_revoking_the_invite_or_deactivating_the_patient_ends_sessions(stub_server):
    patient_id = stub_server.make_patient()
    client = signed_in(stub_server, patient_id)
    with stub_server.database.session() as session:
        session.get(Patient, patient_id).active = False
    assert send(client, stub_server, {"message": "echo x"}).status_code == 401
    with stub_server.database.session() as session:
        session.get(Patient, patient_id).active = True
    assert echo(send(client, stub_server, {"message": "echo x"}))

    with stub_server.database.session() as session:
        session.query(DeviceSession).filter_by(patient_id=patient_id).update(
            {DeviceSession.created_at: utcnow() - timedelta(days=31)}
        )
    assert send(client, stub_server, {"message": "echo x"}).status_code == 401


# ---- input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"message": ""}, "empty"),
        ({"message": "   \n"}, "empty"),
        ({"message": "\x00\x01"}, "empty"),
        ({"message": "/"}, "empty"),
        ({}, "bad_request"),
        ({"message": 5}, "bad_request"),
        ({"message": "a" * (MAX_MESSAGE_CHARS + 1)}, "too_long"),
        ({"payload": "/hello world"}, "invalid_payload"),
        ({"payload": '/inform{"x": "<b>"}'}, "invalid_payload"),
        ({"payload": "/affirm@1.0"}, "invalid_payload"),
    ],
)
def test_bad_input_is_rejected_with_a_code(stub_server, body, code):
    client = signed_in(stub_server)
    reply = send(client, stub_server, body)
    assert (reply.status_code, reply.json()) == (400, {"error": code})
    assert history_texts(client, stub_server) == []


def test_non_json_and_oversized_bodies_are_rejected(stub_server):
    client = signed_in(stub_server)
    form = client.post(stub_server.url("webhook"), data={"message": "echo hi"})
    assert form.status_code == 400
    broken = client.post(
        stub_server.url("webhook"),
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert broken.json() == {"error": "bad_request"}
    huge = send(client, stub_server, {"message": "a" * 70_000})
    assert huge.json() == {"error": "too_long"}
    assert client.post(stub_server.url("logout"), data={"x": "1"}).status_code == 400


def test_a_message_of_exactly_the_limit_is_accepted(stub_server):
    client = signed_in(stub_server)
    text = "echo " + "a" * (MAX_MESSAGE_CHARS - 5)
    assert echo(send(client, stub_server, {"message": text}))["text"] == text


def test_typed_slash_commands_are_not_intents_and_control_chars_go(stub_server):
    client = signed_in(stub_server)
    assert echo(send(client, stub_server, {"message": "/echo hi"}))["text"] == "echo hi"
    cleaned = echo(send(client, stub_server, {"message": "echo a\x00b\u202ec\x1b"}))
    assert cleaned["text"] == "echo abc"


def test_markup_is_passed_on_verbatim_as_json_text(stub_server):
    client = signed_in(stub_server)
    markup = "echo <img src=x onerror=alert(1)><script>alert(2)</script>"
    reply = send(client, stub_server, {"message": markup})
    assert reply.headers["content-type"].startswith("application/json")
    assert echo(reply)["text"] == markup


def test_a_button_payload_is_passed_on_with_its_title_for_the_history(stub_server):
    client = signed_in(stub_server)
    assert send(client, stub_server, {"message": "hello"}).status_code == 200
    reply = send(
        client,
        stub_server,
        {"payload": '/inform{"mood_before": 5}', "title": "Okay (4-6)"},
    )
    assert reply.json()["messages"][0]["text"].startswith("Thank you. Step 2 of 8")
    history = client.get(stub_server.url("history")).json()["messages"]
    assert [(m["sender"], m["text"]) for m in history][:3] == [
        ("user", "hello"),
        ("bot", history[1]["text"]),
        ("user", "Okay (4-6)"),
    ]
    assert history[1]["buttons"][0]["title"] == "Low (0-3)"
    assert "recipient_id" not in reply.json()["messages"][0]


def test_a_plain_text_button_is_sent_as_text_and_shown_with_its_title(stub_server):
    client = signed_in(stub_server)
    assert send(client, stub_server, {"message": "offer"}).status_code == 200
    sent = echo(
        send(
            client,
            stub_server,
            {"payload": "echo 3 hours\x00", "title": "I have a plan tonight"},
        )
    )
    assert sent["text"] == "echo 3 hours"
    # The offered button's title, not the one the client sent.
    assert sent["metadata"]["display_text"] == "A few hours ago"
    assert history_texts(client, stub_server)[-1] == "A few hours ago"
    assert send(client, stub_server, {"payload": ""}).json() == {"error": "empty"}


def test_a_crafted_payload_is_refused_and_not_stored(stub_server):
    client = signed_in(stub_server)
    assert send(client, stub_server, {"message": "hello"}).status_code == 200
    before = history_texts(client, stub_server)
    for payload in ('/inform{"mood_before": 0}', '/greet{"crisis_level": "none"}'):
        reply = send(client, stub_server, {"payload": payload, "title": "Okay"})
        assert (reply.status_code, reply.json()) == (400, {"error": "invalid_payload"})
    assert history_texts(client, stub_server) == before
    # What the button offered still goes through.
    offered = {"payload": '/inform{"mood_before": 5}', "title": "forged title"}
    assert send(client, stub_server, offered).status_code == 200
    assert history_texts(client, stub_server)[-2] == "Okay (4-6)"  # then the reply


def test_a_second_message_while_the_first_is_handled_gets_409(stub_server):
    client = signed_in(stub_server)
    cookies = dict(client.cookies)

    async def both() -> list[int]:
        async with httpx.AsyncClient(cookies=cookies, timeout=10) as concurrent:
            first = asyncio.create_task(
                concurrent.post(stub_server.url("webhook"), json={"message": "slow"})
            )
            await asyncio.sleep(0.5)
            second = await concurrent.post(
                stub_server.url("webhook"), json={"message": "echo too soon"}
            )
            return [(await first).status_code, second.status_code, second.json()]

    first, second, body = asyncio.run(both())
    assert (first, second, body) == (200, 409, {"error": "busy"})
    assert echo(send(client, stub_server, {"message": "echo afterwards"}))


def test_a_bot_failure_is_a_500_with_the_crisis_resources_and_no_details(stub_server):
    from bot.clinic_responses import resources_text
    from bot.config import get_config

    client = signed_in(stub_server)
    reply = send(client, stub_server, {"message": "fail"})
    assert reply.status_code == 500
    assert reply.json() == {
        "error": "server",
        "messages": [{"text": resources_text(get_config(), "en")}],
    }
    assert "988" in reply.json()["messages"][0]["text"]
    assert echo(send(client, stub_server, {"message": "echo recovered"}))


def test_without_a_loaded_model_messages_get_503_not_silence(stub_server):
    client = signed_in(stub_server)
    httpx.post(stub_server.base_url + "/stub/ready", json={"ready": False})
    try:
        reply = send(client, stub_server, {"message": "echo anyone there?"})
    finally:
        httpx.post(stub_server.base_url + "/stub/ready", json={"ready": True})
    assert (reply.status_code, reply.json()) == (503, {"error": "not_ready"})
    assert echo(send(client, stub_server, {"message": "echo back again"}))


def test_only_the_known_static_files_are_served(stub_server):
    css = httpx.get(stub_server.url("static/chat.css"), timeout=10)
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["x-content-type-options"] == "nosniff"
    for name in ("patient.py", "..%2Fpatient.py", "chat.html", "%2e%2e"):
        assert httpx.get(stub_server.url(f"static/{name}"), timeout=10).status_code in (
            400,
            404,
        )
