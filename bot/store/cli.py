"""``python -m bot admin ...``: clinic accounts, patients and demo data.

Passwords never travel as a command-line argument (it would land in shell
history and process listings): they come from a named environment variable,
from stdin, or from an interactive prompt. Every change writes an audit entry
with actor ``cli``. Errors print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.safety.plan import SafetyPlanError, validate_safety_plan
from bot.store.db import Database, default_db_url, get_database
from bot.store.models import AuditEntry, Clinician, Infusion, Patient
from bot.store.types import as_utc, utcnow

COMMAND_ERROR = 2
ROLES = ("therapist", "admin")
MIN_PASSWORD_LENGTH = 12  # same rule as the portal's admin pages
DEMO_PASSWORD_ENV = "AFTERGLOW_DEMO_PASSWORD"
DEMO_PASSWORD = "afterglow-demo"  # dev only; documented, printed as a demo
ACTOR = "cli"


class AdminError(Exception):
    """An admin request cannot be done; the message says why."""


def new_conversation_id() -> str:
    """A fresh, unguessable Rasa sender id for a patient."""
    return f"pt-{secrets.token_urlsafe(18)}"


def _audit(
    session: Session,
    action: str,
    object_type: str,
    object_id: Any,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor=ACTOR,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
        )
    )


def _clinician_by_email(session: Session, email: str) -> Clinician | None:
    return session.scalar(
        select(Clinician).where(func.lower(Clinician.email) == email.strip().lower())
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminError(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
        )


def create_clinician(
    db: Database, email: str, name: str, password: str, role: str = "therapist"
) -> int:
    """Create a portal account; returns its id.

    Raises:
        AdminError: invalid email, name, role or password, or the email exists.
    """
    email, name = email.strip().lower(), name.strip()
    if "@" not in email or not name:
        raise AdminError("give a name and an email address")
    if role not in ROLES:
        raise AdminError(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)
    from bot.store.passwords import hash_password

    with db.session() as session:
        if _clinician_by_email(session, email) is not None:
            raise AdminError(f"an account with email {email} already exists")
        clinician = Clinician(
            email=email, name=name, role=role, password_hash=hash_password(password)
        )
        session.add(clinician)
        session.flush()
        _audit(session, "create_clinician", "clinician", clinician.id, {"role": role})
        return clinician.id


def create_patient(
    db: Database,
    name: str,
    therapist_email: str,
    conversation_id: str | None = None,
    locale: str = "en",
) -> Patient:
    """Register a patient with an active therapist.

    Raises:
        AdminError: unknown or inactive therapist, or the conversation id is taken.
    """
    name = name.strip()
    if not name:
        raise AdminError("give the patient's name")
    conversation_id = (conversation_id or "").strip() or new_conversation_id()
    with db.session() as session:
        therapist = _clinician_by_email(session, therapist_email)
        if therapist is None or not therapist.active:
            raise AdminError(
                f"no active therapist with email {therapist_email.strip()}"
            )
        taken = session.scalar(
            select(Patient.id).where(Patient.conversation_id == conversation_id)
        )
        if taken is not None:
            raise AdminError(f"conversation id {conversation_id} is already in use")
        patient = Patient(
            display_name=name,
            therapist_id=therapist.id,
            conversation_id=conversation_id,
            locale=locale,
        )
        session.add(patient)
        session.flush()
        _audit(session, "create_patient", "patient", patient.id, {"locale": locale})
        return patient


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; one without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise AdminError(f"not an ISO 8601 time: {text!r}") from None
    return as_utc(value)


def add_infusion(db: Database, patient_id: int, number: int, at: datetime) -> int:
    """Record infusion ``number`` of a patient; returns its id.

    Raises:
        AdminError: unknown patient, number below 1, or the number exists.
    """
    if number < 1:
        raise AdminError("the infusion number starts at 1")
    with db.session() as session:
        if session.get(Patient, patient_id) is None:
            raise AdminError(f"no patient with id {patient_id}")
        exists = session.scalar(
            select(Infusion.id).where(
                Infusion.patient_id == patient_id, Infusion.number == number
            )
        )
        if exists is not None:
            raise AdminError(f"patient {patient_id} already has infusion {number}")
        infusion = Infusion(patient_id=patient_id, number=number, administered_at=at)
        session.add(infusion)
        session.flush()
        _audit(
            session,
            "add_infusion",
            "infusion",
            infusion.id,
            {"patient_id": patient_id, "number": number},
        )
        return infusion.id


def set_safety_plan(db: Database, patient_id: int, plan: dict[str, str]) -> None:
    """Store a patient's safety plan (validated by ``bot.safety.plan``).

    Raises:
        AdminError: unknown patient or a malformed plan.
    """
    try:
        plan = validate_safety_plan(plan)
    except SafetyPlanError as error:
        raise AdminError(f"safety plan: {error}") from error
    with db.session() as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise AdminError(f"no patient with id {patient_id}")
        patient.safety_plan = plan
        _audit(
            session, "set_safety_plan", "patient", patient_id, {"steps": sorted(plan)}
        )


def _iso(value: datetime) -> str:
    return value.isoformat()


def list_clinicians(db: Database) -> list[dict[str, Any]]:
    """Every account, by email."""
    with db.session() as session:
        return [
            {
                "id": c.id,
                "email": c.email,
                "name": c.name,
                "role": c.role,
                "active": c.active,
            }
            for c in session.scalars(select(Clinician).order_by(Clinician.email))
        ]


def list_patients(db: Database) -> list[dict[str, Any]]:
    """Every patient with therapist, conversation id and infusions."""
    with db.session() as session:
        patients = session.scalars(select(Patient).order_by(Patient.id)).all()
        return [
            {
                "id": p.id,
                "display_name": p.display_name,
                "therapist_id": p.therapist_id,
                "therapist_email": p.therapist.email,
                "conversation_id": p.conversation_id,
                "locale": p.locale,
                "active": p.active,
                "infusions": [
                    {"number": i.number, "administered_at": _iso(i.administered_at)}
                    for i in p.infusions
                ],
            }
            for p in patients
        ]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.clinic", "Demo Admin", "admin"),
    DemoAccount("therapist@demo.clinic", "Dr. Demo Therapist", "therapist"),
    DemoAccount("other@demo.clinic", "Dr. Other Therapist", "therapist"),
)
# (display name, therapist email, days ago of infusion 1 and 2)
DEMO_PATIENTS = (
    ("Alex Demo", "therapist@demo.clinic", (8, 1)),
    ("Sam Demo", "other@demo.clinic", (10, 3)),
)


def seed_demo(
    db: Database, password: str, now: datetime | None = None
) -> dict[str, Any]:
    """Create the demo clinic, or complete it; running it again changes nothing.

    Accounts whose password no longer matches ``password`` get it back. Demo
    patients are found by name and therapist; missing infusions are added.
    """
    from bot.store.passwords import hash_password, verify_password

    _check_password(password)
    now = now or utcnow()
    created: list[str] = []
    with db.session() as session:
        for account in DEMO_ACCOUNTS:
            clinician = _clinician_by_email(session, account.email)
            if clinician is None:
                clinician = Clinician(
                    email=account.email,
                    name=account.name,
                    role=account.role,
                    password_hash=hash_password(password),
                )
                session.add(clinician)
                created.append(account.email)
            elif not verify_password(clinician.password_hash, password):
                clinician.password_hash = hash_password(password)
            clinician.active = True
        session.flush()
        patients = []
        for name, therapist_email, days_ago in DEMO_PATIENTS:
            therapist = _clinician_by_email(session, therapist_email)
            patient = session.scalar(
                select(Patient).where(
                    Patient.display_name == name, Patient.therapist_id == therapist.id
                )
            )
            if patient is None:
                patient = Patient(
                    display_name=name,
                    therapist_id=therapist.id,
                    conversation_id=new_conversation_id(),
                    locale="en",
                )
                session.add(patient)
                session.flush()
                created.append(name)
            numbers = {i.number for i in patient.infusions}
            for number, days in enumerate(days_ago, start=1):
                if number not in numbers:
                    session.add(
                        Infusion(
                            patient_id=patient.id,
                            number=number,
                            administered_at=now - timedelta(days=days),
                        )
                    )
            patients.append(
                {
                    "id": patient.id,
                    "display_name": name,
                    "therapist_email": therapist_email,
                    "conversation_id": patient.conversation_id,
                }
            )
        _audit(session, "seed_demo", "clinic", "demo", {"created": len(created)})
    return {
        "accounts": [a.__dict__ for a in DEMO_ACCOUNTS],
        "patients": patients,
        "created": created,
    }


# ---------------------------------------------------------------- commands


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return COMMAND_ERROR


def _db() -> Database:
    return get_database(default_db_url())


def read_password(args: argparse.Namespace) -> str:
    """The new password from ``--password-env``, ``--password-stdin`` or a prompt."""
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise AdminError(f"environment variable {args.password_env} is not set")
        return password
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AdminError("no password: use --password-env VAR or --password-stdin")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        raise AdminError("the passwords do not match")
    return password


def _create_therapist(args: argparse.Namespace) -> int:
    clinician_id = create_clinician(
        _db(), args.email, args.name, read_password(args), args.role
    )
    print(f"created {args.role} {args.email.strip().lower()} (id {clinician_id})")
    return 0


def _create_patient(args: argparse.Namespace) -> int:
    from bot.config import ConfigError, load_config

    try:
        locales = load_config().locales
    except ConfigError as error:
        raise AdminError(str(error)) from None
    if args.locale not in locales:
        raise AdminError(f"locale must be one of {', '.join(locales)}")
    patient = create_patient(
        _db(), args.name, args.therapist, args.conversation_id, args.locale
    )
    print(
        f"created patient {patient.id} ({patient.display_name}), "
        f"conversation id {patient.conversation_id}"
    )
    return 0


def _add_infusion(args: argparse.Namespace) -> int:
    infusion_id = add_infusion(_db(), args.patient, args.number, parse_time(args.at))
    print(
        f"recorded infusion {args.number} of patient {args.patient} (id {infusion_id})"
    )
    return 0


def _set_safety_plan(args: argparse.Namespace) -> int:
    try:
        raw = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AdminError(f"{args.file}: cannot read the plan ({error})") from error
    set_safety_plan(_db(), args.patient, raw)
    print(f"stored the safety plan of patient {args.patient}")
    return 0


def _list_therapists(args: argparse.Namespace) -> int:
    clinicians = list_clinicians(_db())
    if args.json:
        print(json.dumps(clinicians, indent=2))
        return 0
    for c in clinicians:
        state = "" if c["active"] else "  (inactive)"
        print(f"{c['id']:>4}  {c['role']:<9}  {c['email']:<32}  {c['name']}{state}")
    return 0


def _list_patients(args: argparse.Namespace) -> int:
    patients = list_patients(_db())
    if args.json:
        print(json.dumps(patients, indent=2, ensure_ascii=False))
        return 0
    for p in patients:
        print(
            f"{p['id']:>4}  {p['display_name']:<24}  {p['therapist_email']:<28}  "
            f"{len(p['infusions'])} infusions  {p['conversation_id']}"
        )
    return 0


def _seed_demo(args: argparse.Namespace) -> int:
    password = os.environ.get(DEMO_PASSWORD_ENV) or DEMO_PASSWORD
    result = seed_demo(_db(), password)
    print(
        "WARNING: demo data for development only. Do not use these accounts "
        "in a real clinic.",
        file=sys.stderr,
    )
    shown = (
        "from $" + DEMO_PASSWORD_ENV
        if os.environ.get(DEMO_PASSWORD_ENV)
        else (DEMO_PASSWORD)
    )
    print("Demo logins (password: " + shown + "):")
    for account in result["accounts"]:
        print(f"  {account['role']:<9}  {account['email']}")
    print("Demo patients:")
    for patient in result["patients"]:
        print(
            f"  {patient['id']:>3}  {patient['display_name']:<12} "
            f"therapist {patient['therapist_email']}"
        )
    return 0


Handler = Callable[[argparse.Namespace], int]


def _guarded(handler: Handler) -> Handler:
    """``handler`` with ``AdminError`` turned into a message and exit status 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except AdminError as error:
            return _fail(str(error))

    run.__doc__ = handler.__doc__
    return run


def _add_password_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--password-env", metavar="VAR", help="read the password from this variable"
    )
    source.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``admin`` and its sub-commands."""
    admin = subparsers.add_parser("admin", help="clinic accounts, patients, demo data")
    commands = admin.add_subparsers(dest="admin_command", required=True)

    therapist = commands.add_parser("create-therapist", help="create a portal account")
    therapist.add_argument("--email", required=True)
    therapist.add_argument("--name", required=True)
    therapist.add_argument("--role", choices=ROLES, default="therapist")
    _add_password_options(therapist)
    therapist.set_defaults(handler=_guarded(_create_therapist))

    patient = commands.add_parser("create-patient", help="register a patient")
    patient.add_argument("--name", required=True)
    patient.add_argument("--therapist", required=True, metavar="EMAIL")
    patient.add_argument(
        "--conversation-id", help="Rasa sender id (default: a random one)"
    )
    patient.add_argument("--locale", default="en")
    patient.set_defaults(handler=_guarded(_create_patient))

    infusion = commands.add_parser("add-infusion", help="record an infusion")
    infusion.add_argument("--patient", required=True, type=int, metavar="ID")
    infusion.add_argument("--number", required=True, type=int, metavar="N")
    infusion.add_argument("--at", required=True, metavar="ISO", help="UTC if no offset")
    infusion.set_defaults(handler=_guarded(_add_infusion))

    plan = commands.add_parser(
        "set-safety-plan", help="store a patient's safety plan (YAML, six steps)"
    )
    plan.add_argument("--patient", required=True, type=int, metavar="ID")
    plan.add_argument("--file", required=True, help="YAML: step name -> text")
    plan.set_defaults(handler=_guarded(_set_safety_plan))

    therapists = commands.add_parser("list-therapists", help="list portal accounts")
    therapists.add_argument("--json", action="store_true")
    therapists.set_defaults(handler=_guarded(_list_therapists))

    patients = commands.add_parser("list-patients", help="list patients")
    patients.add_argument("--json", action="store_true")
    patients.set_defaults(handler=_guarded(_list_patients))

    demo = commands.add_parser(
        "seed-demo",
        help=f"create the demo clinic (dev only; password ${DEMO_PASSWORD_ENV} "
        f"or {DEMO_PASSWORD!r})",
    )
    demo.set_defaults(handler=_guarded(_seed_demo))
