"""Invite links, device sessions, the signing key and the invite commands."""

import argparse
import os
import stat
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer

from bot import secrets as app_secrets
from bot.channels import cli
from bot.channels.invites import (
    MAX_TTL,
    InviteError,
    create_invite,
    invite_status,
    list_invites,
    revoke_invite,
    verify_invite,
)
from bot.channels.sessions import (
    resolve_device_session,
    revoke_device_session,
    start_device_session,
)
from bot.channels.tokens import DEVICE_SESSION_SALT, INVITE_SALT, sign
from bot.store import DeviceSession, Invite, Patient
from bot.store.types import utcnow

SECRET_KEY = "invite-tests-secret-key-0123456789abcdef"


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def new_invite(database, patient_id, **kwargs):
    return create_invite(
        database,
        patient_id,
        base_url="https://chat.clinic.test",
        secret_key=SECRET_KEY,
        **kwargs,
    )


def reason(database, token) -> str:
    with pytest.raises(InviteError) as caught:
        verify_invite(database, token, SECRET_KEY)
    return caught.value.reason


def test_an_invite_link_carries_only_a_signed_token_id(database, make_patient):
    patient_id = make_patient()
    invite, url = new_invite(database, patient_id)
    assert url.startswith("https://chat.clinic.test/webhooks/patient/join?token=")
    token = token_of(url)
    assert URLSafeTimedSerializer(SECRET_KEY, salt=INVITE_SALT).loads(token) == (
        invite.token_id
    )
    assert len(invite.token_id) >= 32
    verified = verify_invite(database, token, SECRET_KEY)
    assert (verified.patient_id, verified.token_id) == (patient_id, invite.token_id)


def test_default_base_url_comes_from_the_clinic_config(database, make_patient):
    _, url = create_invite(database, make_patient(), secret_key=SECRET_KEY)
    assert url.startswith("http://127.0.0.1:5005/webhooks/patient/join?token=")


def test_forged_tokens_are_invalid(database, make_patient):
    invite, url = new_invite(database, make_patient())
    token = token_of(url)
    other_key = sign(invite.token_id, INVITE_SALT, "another-secret-key-" + "x" * 20)
    wrong_salt = sign(invite.token_id, DEVICE_SESSION_SALT, SECRET_KEY)
    unknown_id = sign("not-a-stored-token-id", INVITE_SALT, SECRET_KEY)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for forged in (other_key, wrong_salt, unknown_id, tampered, "", "x" * 1000):
        assert reason(database, forged) == "invalid"


def test_expired_revoked_and_inactive(database, make_patient):
    patient_id = make_patient()
    expired, expired_url = new_invite(database, patient_id)
    with database.session() as session:
        session.get(Invite, expired.id).expires_at = utcnow() - timedelta(seconds=1)
    assert reason(database, token_of(expired_url)) == "expired"

    revoked, revoked_url = new_invite(database, patient_id)
    assert revoke_invite(database, revoked.token_id)
    assert reason(database, token_of(revoked_url)) == "revoked"
    assert not revoke_invite(database, "no-such-token")

    _, good_url = new_invite(database, patient_id)
    with database.session() as session:
        session.get(Patient, patient_id).active = False
    assert reason(database, token_of(good_url)) == "patient_inactive"
    with pytest.raises(InviteError):
        new_invite(database, patient_id)


def test_invite_ttl_is_bounded_and_the_patient_must_exist(database, make_patient):
    patient_id = make_patient()
    for ttl in (timedelta(0), timedelta(days=-1), MAX_TTL + timedelta(seconds=1)):
        with pytest.raises(InviteError) as caught:
            new_invite(database, patient_id, ttl=ttl)
        assert caught.value.reason == "bad_ttl"
    with pytest.raises(InviteError) as caught:
        new_invite(database, 987654)
    assert caught.value.reason == "unknown_patient"


def test_device_session_lifecycle(database, make_patient):
    patient_id = make_patient(locale="es")
    invite, url = new_invite(database, patient_id)
    verified = verify_invite(database, token_of(url), SECRET_KEY)
    cookie = start_device_session(database, verified, SECRET_KEY)

    patient = resolve_device_session(database, cookie, secret_key=SECRET_KEY)
    assert patient.patient_id == patient_id
    assert patient.locale == "es"
    with database.session() as session:
        assert session.get(Invite, invite.id).used_at is not None
        stored = session.get(Patient, patient_id)
        assert patient.conversation_id == stored.conversation_id

    forged = sign(patient.session_id, DEVICE_SESSION_SALT, "z" * 40)
    assert resolve_device_session(database, forged, secret_key=SECRET_KEY) is None
    assert resolve_device_session(database, None, secret_key=SECRET_KEY) is None

    revoke_device_session(database, patient.session_id)
    assert resolve_device_session(database, cookie, secret_key=SECRET_KEY) is None


def test_device_sessions_expire(database, make_patient):
    _, url = new_invite(database, make_patient())
    verified = verify_invite(database, token_of(url), SECRET_KEY)
    cookie = start_device_session(database, verified, SECRET_KEY)
    with database.session() as session:
        device = session.query(DeviceSession).one()
        device.created_at = utcnow() - timedelta(days=2)
    assert resolve_device_session(database, cookie, timedelta(days=3), SECRET_KEY)
    assert (
        resolve_device_session(database, cookie, timedelta(days=1), SECRET_KEY) is None
    )


def test_revoking_an_invite_signs_out_its_devices(database, make_patient):
    invite, url = new_invite(database, make_patient())
    verified = verify_invite(database, token_of(url), SECRET_KEY)
    cookies = [start_device_session(database, verified, SECRET_KEY) for _ in range(2)]
    revoke_invite(database, invite.token_id)
    for cookie in cookies:
        assert resolve_device_session(database, cookie, secret_key=SECRET_KEY) is None


def test_invite_status(database, make_patient):
    invite, _ = new_invite(database, make_patient())
    assert invite_status(invite) == "active"
    assert invite_status(invite, now=utcnow() + timedelta(days=8)) == "expired"


def run_cli(monkeypatch, database, *argv):
    monkeypatch.setattr(cli, "get_database", lambda: database)
    monkeypatch.setenv("AFTERGLOW_SECRET_KEY", SECRET_KEY)
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["invite", *argv])
    return args.handler(args)


def test_invite_commands(monkeypatch, capsys, database, make_patient):
    patient_id = make_patient()
    assert (
        run_cli(
            monkeypatch,
            database,
            "create",
            "--patient",
            str(patient_id),
            "--days",
            "2",
            "--base-url",
            "https://chat.clinic.test/",
        )
        == 0
    )
    printed = capsys.readouterr()
    link = printed.out.strip()  # only the link, for scripts
    assert link.startswith("https://chat.clinic.test/webhooks/patient/join?token=")
    token_id = printed.err.split()[2].rstrip(",")

    assert run_cli(monkeypatch, database, "list", "--patient", str(patient_id)) == 0
    assert token_id in capsys.readouterr().out

    assert run_cli(monkeypatch, database, "revoke", token_id) == 0
    capsys.readouterr()
    run_cli(monkeypatch, database, "list", "--patient", str(patient_id))
    assert "revoked" in capsys.readouterr().out
    assert run_cli(monkeypatch, database, "revoke", "nope") == 1
    assert run_cli(monkeypatch, database, "create", "--patient", "999999") == 1
    assert (
        run_cli(
            monkeypatch,
            database,
            "create",
            "--patient",
            str(patient_id),
            "--days",
            "45",
        )
        == 1
    )
    assert "at most 30" in capsys.readouterr().err
    assert list_invites(database, patient_id)[0].token_id == token_id


def test_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("AFTERGLOW_SECRET_KEY", "e" * 40)
    assert app_secrets.get_secret_key(tmp_path / "unused") == "e" * 40
    monkeypatch.setenv("AFTERGLOW_SECRET_KEY", "short")
    with pytest.raises(app_secrets.SecretKeyError):
        app_secrets.get_secret_key(tmp_path / "unused")
    assert not (tmp_path / "unused").exists()


def test_development_secret_key_is_created_once_with_private_permissions(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("AFTERGLOW_SECRET_KEY", raising=False)
    path = tmp_path / "var" / "secret_key"
    first = app_secrets.get_secret_key(path)
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert app_secrets.get_secret_key(path) == first
