"""``python -m bot invite ...``: create, revoke and list patient invite links.

``invite create`` prints only the link on standard output (details go to
standard error), so scripts can use ``link=$(python -m bot invite create ...)``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from bot.channels.invites import (
    DEFAULT_TTL,
    MAX_TTL,
    InviteError,
    create_invite,
    invite_status,
    list_invites,
    revoke_invite,
)
from bot.store import get_database

_REASONS = {
    "unknown_patient": "no patient with that id",
    "patient_inactive": "the patient is inactive",
    "bad_ttl": f"--days must be more than 0 and at most {MAX_TTL.days}",
}


def _create(args: argparse.Namespace) -> int:
    try:
        invite, url = create_invite(
            get_database(),
            args.patient,
            ttl=timedelta(days=args.days),
            base_url=args.base_url,
        )
    except InviteError as error:
        print(f"error: {_REASONS.get(error.reason, error.reason)}", file=sys.stderr)
        return 1
    print(url)
    print(
        f"token id {invite.token_id}, expires {invite.expires_at:%Y-%m-%d %H:%M} UTC",
        file=sys.stderr,
    )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    if not revoke_invite(get_database(), args.token_id):
        print(f"error: no invite with token id {args.token_id}", file=sys.stderr)
        return 1
    print(f"revoked invite {args.token_id} and signed out its devices")
    return 0


def _list(args: argparse.Namespace) -> int:
    invites = list_invites(get_database(), args.patient)
    if not invites:
        print(f"no invites for patient {args.patient}")
        return 0
    for invite in invites:
        used = f"{invite.used_at:%Y-%m-%d %H:%M}" if invite.used_at else "never"
        print(
            f"{invite.token_id}  {invite_status(invite):8}"
            f"  created {invite.created_at:%Y-%m-%d %H:%M}"
            f"  expires {invite.expires_at:%Y-%m-%d %H:%M}  first used {used}"
        )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``invite`` command."""
    parser = subparsers.add_parser("invite", help="patient invite links")
    commands = parser.add_subparsers(dest="invite_command", required=True)

    create = commands.add_parser("create", help="make an invite link for a patient")
    create.add_argument("--patient", type=int, required=True, help="patient id")
    create.add_argument(
        "--days",
        type=float,
        default=DEFAULT_TTL.days,
        help=f"days the link stays valid (default {DEFAULT_TTL.days})",
    )
    create.add_argument(
        "--base-url", help="public URL of the Rasa server (default: clinic.chat_url)"
    )
    create.set_defaults(handler=_create)

    revoke = commands.add_parser(
        "revoke", help="revoke an invite and sign out its devices"
    )
    revoke.add_argument("token_id")
    revoke.set_defaults(handler=_revoke)

    listing = commands.add_parser("list", help="list a patient's invites")
    listing.add_argument("--patient", type=int, required=True, help="patient id")
    listing.set_defaults(handler=_list)
