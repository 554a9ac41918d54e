"""Login, logout, CSRF, throttling, cookies and security headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.portal.auth import SESSION_ID_KEY
from bot.store import AuditEntry, Clinician
from tests.portal.conftest import EMAILS, World, api_token, csrf_from, login, make_world
from tests.portal.portal_seed import PASSWORDS

ALICE = EMAILS["alice"]


def test_login_lands_on_the_escalation_queue(world: World) -> None:
    client = world.client()
    response = login(client, ALICE, PASSWORDS[ALICE])
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Escalation queue" in page.text


def test_login_follows_next_but_never_off_site(world: World) -> None:
    client = world.client()
    assert login(client, ALICE, PASSWORDS[ALICE], "/patients").headers["location"] == (
        "/patients"
    )
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        other = world.client()
        assert login(other, ALICE, PASSWORDS[ALICE], target).headers["location"] == "/"


def test_wrong_password_and_unknown_account_look_the_same(world: World) -> None:
    wrong = login(world.client(), ALICE, "not-the-password")
    unknown = login(world.client(), "nobody@clinic.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.text and "do not match" in unknown.text
    with world.db.session() as s:
        failures = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "login_failed")
        ).all()
    assert {(f.actor, f.actor_id) for f in failures} >= {
        (ALICE, world.ids.alice),
        ("nobody@clinic.test", None),
    }


def test_session_cookie_flags(world: World) -> None:
    client = world.client()
    response = login(client, ALICE, PASSWORDS[ALICE])
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http in this configuration


def test_secure_cookie_when_served_over_https(tmp_path: Path) -> None:
    world = make_world(tmp_path, secure_cookies=True)
    client = world.client()
    client.base_url = "https://testserver"
    response = login(client, ALICE, PASSWORDS[ALICE])
    assert "; secure" in response.headers["set-cookie"].lower()
    assert "max-age" in response.headers["strict-transport-security"]


def test_login_gives_a_new_session_and_token(world: World) -> None:
    client = world.client()
    before = csrf_from(client)
    login(client, ALICE, PASSWORDS[ALICE])
    assert api_token(client) != before  # no fixation of a pre-login token


def test_logout_ends_the_session_on_the_server(fresh_world: World) -> None:
    world = fresh_world
    client = world.client("alice")
    stolen_cookies = dict(client.cookies)
    response = client.post("/logout", data={"csrf_token": api_token(client)})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert client.get("/").status_code == 302
    # Replaying the old signed cookie does not bring the login back.
    replay = world.client()
    replay.cookies.update(stolen_cookies)
    assert replay.get("/api/me").status_code == 401


def test_deactivated_clinician_is_out_at_the_next_request(fresh_world: World) -> None:
    world = fresh_world
    alice = world.client("alice")
    admin = world.client("admin")
    response = admin.post(
        f"/admin/therapists/{world.ids.alice}/deactivate",
        data={"csrf_token": api_token(admin)},
    )
    assert response.status_code == 303
    assert alice.get("/api/me").status_code == 401
    assert login(world.client(), ALICE, PASSWORDS[ALICE]).status_code == 401


def test_post_without_csrf_token_is_refused(world: World) -> None:
    client = world.client("alice")
    escalation = world.ids.dana_escalations["high"]
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/escalations/{escalation}/acknowledge", data=data)
        assert response.status_code == 403
    response = client.post(
        f"/api/escalations/{escalation}/acknowledge", json={"note": "x"}
    )
    assert response.status_code == 403
    response = client.post(
        f"/api/escalations/{escalation}/acknowledge",
        json={"note": "x"},
        headers={"X-CSRF-Token": "forged"},
    )
    assert response.status_code == 403
    assert client.get(f"/api/escalations/{escalation}").json()["status"] == "open"


def test_csrf_token_of_another_session_is_refused(world: World) -> None:
    alice, bob = world.client("alice"), world.client("bob")
    response = alice.post(
        f"/escalations/{world.ids.dana_escalations['high']}/acknowledge",
        data={"csrf_token": api_token(bob)},
    )
    assert response.status_code == 403


def test_an_oversized_form_is_refused_before_it_is_parsed(world: World) -> None:
    # Issue 13, item 10: a 2 MB field at POST /login used to be parsed.
    client = world.client()
    token = csrf_from(client)
    big = {"csrf_token": token, "email": "a" * 2_000_000, "password": "x"}
    assert client.post("/login", data=big).status_code == 413

    def chunks():  # no Content-Length: counted while it streams in
        yield b"csrf_token=" + token.encode() + b"&email="
        for _ in range(40):
            yield b"a" * 4096

    streamed = client.post(
        "/login",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    # An ordinary login still works.
    assert login(world.client(), ALICE, PASSWORDS[ALICE]).status_code == 303


def test_login_form_needs_its_csrf_token(world: World) -> None:
    response = world.client().post(
        "/login", data={"email": ALICE, "password": PASSWORDS[ALICE]}
    )
    assert response.status_code == 403


def test_login_throttling_locks_the_account_with_backoff(tmp_path: Path) -> None:
    world = make_world(tmp_path, account_max_failures=3, lockout_seconds=60)
    for _ in range(3):
        assert login(world.client(), ALICE, "wrong-password").status_code == 401
    # Locked: even the right password is refused, without checking it.
    response = login(world.client(), ALICE, PASSWORDS[ALICE])
    assert response.status_code == 429
    assert "Try again in 1 min" in response.text
    # Other accounts from the same address still work (address limit is higher).
    bob = EMAILS["bob"]
    assert login(world.client(), bob, PASSWORDS[bob]).status_code == 303
    with world.db.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "login")).all()


def test_login_throttling_per_address(tmp_path: Path) -> None:
    world = make_world(tmp_path, ip_max_failures=4, account_max_failures=100)
    for number in range(4):
        login(world.client(), f"guess{number}@clinic.test", "wrong-password")
    assert login(world.client(), ALICE, PASSWORDS[ALICE]).status_code == 429


@pytest.mark.parametrize("path", ["/", "/patients", "/login", "/api/patients"])
def test_security_headers(world: World, path: str) -> None:
    response = world.client("alice").get(path, follow_redirects=True)
    headers = response.headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp


def test_static_files_may_be_cached(world: World) -> None:
    response = world.client().get("/static/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


def test_printable_page_allows_only_its_own_stylesheet(world: World) -> None:
    ids = world.ids
    response = world.client("alice").get(
        f"/patients/{ids.dana}/sessions/r{ids.dana_reflections[-1]}/print"
    )
    csp = response.headers["content-security-policy"]
    assert "style-src 'self' 'sha256-" in csp
    assert "'unsafe-inline'" not in csp


def test_pages_have_no_inline_scripts(world: World) -> None:
    client = world.client("admin")
    ids = world.ids
    for path in ("/", "/patients", f"/patients/{ids.dana}", "/admin", "/api/docs"):
        text = client.get(path).text
        assert "<script>" not in text.replace(SCRIPT_ESCAPED, "")
        assert " onclick=" not in text and "javascript:" not in text


SCRIPT_ESCAPED = "&lt;script&gt;"


def test_passwords_are_stored_as_argon2_hashes(world: World) -> None:
    with world.db.session() as s:
        hashes = s.scalars(select(Clinician.password_hash)).all()
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_session_cookie_holds_no_identity(world: World) -> None:
    """The signed cookie carries a random session id, never the clinician id."""
    client = world.client("alice")
    import base64
    import json

    raw = client.cookies.get("afterglow_portal").split(".")[0]
    data = json.loads(base64.b64decode(raw + "=" * (-len(raw) % 4)))
    assert set(data) <= {SESSION_ID_KEY, "csrf", "flash"}
    assert str(world.ids.alice) != data[SESSION_ID_KEY]


def test_every_form_carries_the_session_token(world: World) -> None:
    """A form without the token would fail for real users (403) but not in
    tests that add the token themselves, so check the rendered forms."""
    ids = world.ids
    pages = {
        "alice": ["/", f"/escalations/{ids.dana_escalations['high']}"],
        "admin": ["/", "/admin", "/admin/patients", "/admin/audit"],
    }
    for who, paths in pages.items():
        client = world.client(who)
        token = api_token(client)
        for path in paths:
            html = client.get(path).text
            forms = re.findall(r'<form[^>]*method="post".*?</form>', html, re.S)
            assert forms, path
            for form in forms:
                assert f'name="csrf_token" value="{token}"' in form, (path, form)


@pytest.mark.parametrize("big", [str(2**63), str(2**64 + 5), "9" * 40])
def test_ids_beyond_64_bits_are_404_not_500(world: World, big: str) -> None:
    client = world.client()
    login(client, ALICE, PASSWORDS[ALICE])
    assert client.get(f"/patients/{big}").status_code == 404
    assert client.get(f"/api/patients/{big}").status_code == 404
    assert client.get(f"/patients/{2**63 - 1}").status_code == 404  # in range, absent
