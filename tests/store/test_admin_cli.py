"""``python -m bot admin ...``: accounts, patients, infusions, demo data."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

import bot.__main__ as entry
from bot.store.db import Database
from bot.store.models import AuditEntry, Clinician, Infusion, Patient
from bot.store.passwords import verify_password

GOOD_PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2 with test-sized cost: the real parameters take ~0.1 s a hash."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr("bot.store.passwords._hasher", cheap)


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'afterglow.db'}")
    database.create_schema()
    return database


@pytest.fixture
def run(monkeypatch, db, capsys):
    monkeypatch.setenv("AFTERGLOW_DB_URL", db.url)
    monkeypatch.delenv("AFTERGLOW_CLINIC_CONFIG", raising=False)
    monkeypatch.delenv("AFTERGLOW_DEMO_PASSWORD", raising=False)
    monkeypatch.setenv("NEW_PASSWORD", GOOD_PASSWORD)
    monkeypatch.setattr(entry, "COMMAND_MODULES", ("bot.store.cli",))

    def run(*argv, stdin=None):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin or ""))
        try:
            status = entry.main(["admin", *argv])
        except SystemExit as exit_:  # argparse errors
            status = exit_.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def _therapist(run, email="t@clinic.test", role="therapist"):
    status, _, err = run(
        "create-therapist",
        "--email",
        email,
        "--name",
        "Dr T",
        "--role",
        role,
        "--password-env",
        "NEW_PASSWORD",
    )
    assert status == 0, err


def test_create_therapist_from_env_and_stdin(run, db):
    _therapist(run, "T@Clinic.test")
    status, _, _ = run(
        "create-therapist",
        "--email",
        "boss@clinic.test",
        "--name",
        "Boss",
        "--role",
        "admin",
        "--password-stdin",
        stdin=GOOD_PASSWORD + "\n",
    )
    assert status == 0
    with db.session() as s:
        clinicians = {c.email: c for c in s.scalars(select(Clinician))}
        audit = s.scalars(select(AuditEntry)).all()
    assert set(clinicians) == {"t@clinic.test", "boss@clinic.test"}
    assert clinicians["boss@clinic.test"].role == "admin"
    assert verify_password(clinicians["t@clinic.test"].password_hash, GOOD_PASSWORD)
    assert [(a.actor, a.action) for a in audit] == [("cli", "create_clinician")] * 2


def test_password_is_never_a_plain_argument(run):
    status, _, err = run(
        "create-therapist", "--email", "a@b.c", "--name", "A", "--password", "x"
    )
    assert status == 2 and "error:" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--password-env", "UNSET_VARIABLE"), "UNSET_VARIABLE is not set"),
        ((), "no password"),  # stdin is not a terminal: no prompt possible
        (("--password-stdin",), "at least 12 characters"),
    ],
)
def test_password_problems_exit_2(run, argv, message):
    status, _, err = run(
        "create-therapist",
        "--email",
        "a@clinic.test",
        "--name",
        "A",
        *argv,
        stdin="short\n",
    )
    assert status == 2 and message in err and "Traceback" not in err


def test_duplicate_email_exits_2(run):
    _therapist(run)
    status, _, err = run(
        "create-therapist",
        "--email",
        "T@clinic.test",
        "--name",
        "Again",
        "--password-env",
        "NEW_PASSWORD",
    )
    assert status == 2 and "already exists" in err


def test_create_patient_add_infusions_and_list(run, db):
    _therapist(run)
    status, out, _ = run(
        "create-patient", "--name", "Jo", "--therapist", "t@clinic.test"
    )
    assert status == 0
    status, out, _ = run(
        "create-patient",
        "--name",
        "Kim",
        "--therapist",
        "T@clinic.test",
        "--conversation-id",
        "kim-1",
        "--locale",
        "es",
    )
    assert status == 0 and "kim-1" in out
    assert (
        run(
            "add-infusion",
            "--patient",
            "1",
            "--number",
            "1",
            "--at",
            "2026-02-01T10:00",
        )[0]
        == 0
    )
    assert (
        run(
            "add-infusion",
            "--patient",
            "1",
            "--number",
            "2",
            "--at",
            "2026-02-08T10:00:00+01:00",
        )[0]
        == 0
    )

    status, out, _ = run("list-patients", "--json")
    patients = json.loads(out)
    jo, kim = patients
    assert jo["conversation_id"].startswith("pt-") and len(jo["conversation_id"]) > 20
    assert (kim["conversation_id"], kim["locale"]) == ("kim-1", "es")
    assert jo["therapist_email"] == "t@clinic.test"
    assert [i["administered_at"] for i in jo["infusions"]] == [
        "2026-02-01T10:00:00+00:00",
        "2026-02-08T09:00:00+00:00",
    ]
    with db.session() as s:
        actions = [
            a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert actions == [
        "create_clinician",
        "create_patient",
        "create_patient",
        "add_infusion",
        "add_infusion",
    ]
    status, out, _ = run("list-patients")
    assert status == 0 and "Jo" in out and "2 infusions" in out
    status, out, _ = run("list-therapists")
    assert status == 0 and "t@clinic.test" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("create-patient", "--name", "X", "--therapist", "nobody@clinic.test"),
            "no active therapist",
        ),
        (
            (
                "create-patient",
                "--name",
                "X",
                "--therapist",
                "t@clinic.test",
                "--locale",
                "xx",
            ),
            "locale",
        ),
        (
            (
                "create-patient",
                "--name",
                "X",
                "--therapist",
                "t@clinic.test",
                "--conversation-id",
                "dup",
            ),
            "already in use",
        ),
        (
            ("add-infusion", "--patient", "99", "--number", "1", "--at", "2026-01-01"),
            "no patient with id 99",
        ),
        (
            ("add-infusion", "--patient", "1", "--number", "1", "--at", "yesterday"),
            "not an ISO 8601 time",
        ),
        (
            ("add-infusion", "--patient", "1", "--number", "1", "--at", "2026-01-02"),
            "already has infusion 1",
        ),
        (
            ("add-infusion", "--patient", "1", "--number", "0", "--at", "2026-01-02"),
            "starts at 1",
        ),
    ],
)
def test_errors_exit_2_without_traceback(run, argv, message):
    _therapist(run)
    run(
        "create-patient",
        "--name",
        "P",
        "--therapist",
        "t@clinic.test",
        "--conversation-id",
        "dup",
    )
    run("add-infusion", "--patient", "1", "--number", "1", "--at", "2026-01-01")
    status, _, err = run(*argv)
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_seed_demo_is_idempotent(run, db):
    status, out, err = run("seed-demo")
    assert status == 0
    assert "WARNING" in err and "demo" in err
    for email in ("admin@demo.clinic", "therapist@demo.clinic", "other@demo.clinic"):
        assert email in out
    assert "afterglow-demo" in out
    # A conversation id is a bearer credential for the patient's record.
    with db.session() as s:
        ids = [p.conversation_id for p in s.scalars(select(Patient))]
    assert ids and not any(conversation_id in out for conversation_id in ids)

    def snapshot():
        with db.session() as s:
            clinicians = {
                c.email: (c.role, c.password_hash) for c in s.scalars(select(Clinician))
            }
            patients = {
                p.display_name: (p.therapist.email, p.conversation_id)
                for p in s.scalars(select(Patient))
            }
            infusions = len(s.scalars(select(Infusion)).all())
        return clinicians, patients, infusions

    first = snapshot()
    assert run("seed-demo")[0] == 0
    assert snapshot() == first
    clinicians, patients, infusions = first
    assert clinicians["admin@demo.clinic"][0] == "admin"
    assert verify_password(clinicians["therapist@demo.clinic"][1], "afterglow-demo")
    assert patients["Alex Demo"][0] == "therapist@demo.clinic"
    assert infusions == 4  # two past infusions per demo patient
    with db.session() as s:
        assert {a.actor for a in s.scalars(select(AuditEntry))} == {"cli"}


def test_seed_demo_password_from_environment(run, db, monkeypatch):
    monkeypatch.setenv("AFTERGLOW_DEMO_PASSWORD", "another demo password")
    status, out, _ = run("seed-demo")
    assert status == 0 and "another demo password" not in out
    with db.session() as s:
        admin = s.scalar(
            select(Clinician).where(Clinician.email == "admin@demo.clinic")
        )
    assert verify_password(admin.password_hash, "another demo password")


def test_interactive_prompt_asks_twice(run, monkeypatch, db):
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD, GOOD_PASSWORD, "typo typo typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    def run_at_terminal(*argv):
        monkeypatch.setattr("sys.stdin", Terminal())
        try:
            return entry.main(["admin", *argv])
        except SystemExit as exit_:
            return exit_.code

    assert (
        run_at_terminal("create-therapist", "--email", "a@c.test", "--name", "A") == 0
    )
    assert (
        run_at_terminal("create-therapist", "--email", "b@c.test", "--name", "B") == 2
    )
    with db.session() as s:
        assert [c.email for c in s.scalars(select(Clinician))] == ["a@c.test"]


def test_set_safety_plan(run, db, tmp_path):
    _therapist(run)
    status, _, err = run(
        "create-patient", "--name", "Pat", "--therapist", "t@clinic.test"
    )
    assert status == 0, err
    plan = tmp_path / "plan.yml"
    plan.write_text("people: my sister Ana\ncoping: [breathing, a walk]\n")
    status, out, err = run("set-safety-plan", "--patient", "1", "--file", str(plan))
    assert status == 0, err
    with db.session() as session:
        patient = session.get(Patient, 1)
        assert patient.safety_plan == {
            "coping": "breathing; a walk",
            "people": "my sister Ana",
        }
        assert session.scalars(
            select(AuditEntry).where(AuditEntry.action == "set_safety_plan")
        ).first()
    plan.write_text("hobbies: knitting\n")
    status, _, err = run("set-safety-plan", "--patient", "1", "--file", str(plan))
    assert status == 2 and "unknown steps" in err
    status, _, err = run("set-safety-plan", "--patient", "99", "--file", str(plan))
    assert status == 2
