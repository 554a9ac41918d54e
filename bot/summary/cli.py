"""``python -m bot summary``: print a conversation's latest session summary.

Reading a summary or a transcript is recorded in the audit log (actor "cli").
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.config import ClinicConfig, ConfigError, get_config
from bot.store import AuditEntry, Database, default_db_url, get_database
from bot.store.events import EventStream, default_broker_url, get_event_stream
from bot.summary.render import render_markdown
from bot.summary.service import (
    NoSession,
    UnknownConversation,
    load_conversation,
    summary_for_conversation,
)
from bot.summary.transcript import build_transcript

EXIT_NO_SESSION = 1
EXIT_UNKNOWN = 2


def register(subparsers: Any) -> None:
    """Add the ``summary`` sub-command."""
    parser = subparsers.add_parser(
        "summary",
        help="print the latest reflection summary of a conversation",
        description=__doc__,
    )
    parser.add_argument("conversation_id", metavar="CONVERSATION_ID")
    parser.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", dest="fmt"
    )
    parser.add_argument(
        "--transcript",
        action="store_true",
        help="print the conversation's transcript instead of the summary",
    )
    parser.set_defaults(handler=run)


def _config() -> ClinicConfig | None:
    # Only the inactivity setting matters here; a broken clinic file should
    # not stop a therapist from reading a summary.
    try:
        return get_config()
    except ConfigError as error:
        print(f"warning: {error}; using default summary settings", file=sys.stderr)
        return None


def _audit(db: Database, action: str, conversation_id: str, detail: dict) -> None:
    with db.session() as session:
        session.add(
            AuditEntry(
                actor="cli",
                action=action,
                object_type="conversation",
                object_id=conversation_id,
                detail=detail,
            )
        )


def _transcript(db: Database, stream: EventStream, args: argparse.Namespace) -> int:
    with db.session() as session:
        data = load_conversation(session, stream, args.conversation_id)
    if not data.known:
        print(
            f"error: unknown conversation id {args.conversation_id!r}", file=sys.stderr
        )
        return EXIT_UNKNOWN
    turns = build_transcript(data.events)
    _audit(db, "view_transcript", args.conversation_id, {"format": args.fmt})
    if args.fmt == "json":
        print(json.dumps([json.loads(turn.json()) for turn in turns], indent=2))
        return 0
    for turn in turns:
        flag = f" [flagged: {turn.level or 'crisis'}]" if turn.flagged else ""
        when = turn.timestamp.strftime("%Y-%m-%d %H:%M:%S") if turn.timestamp else ""
        print(f"{when} {turn.role}{flag}: {turn.text}")
    return 0


def run(
    args: argparse.Namespace,
    db: Database | None = None,
    stream: EventStream | None = None,
) -> int:
    """Print the summary (or transcript); returns the exit status."""
    # Keyed by URL so the process-wide caches follow the environment.
    db = db or get_database(default_db_url())
    stream = stream or get_event_stream(default_broker_url())
    if args.transcript:
        return _transcript(db, stream, args)
    try:
        summary = summary_for_conversation(
            db, stream, args.conversation_id, config=_config()
        )
    except UnknownConversation:
        print(
            f"error: unknown conversation id {args.conversation_id!r}", file=sys.stderr
        )
        return EXIT_UNKNOWN
    except NoSession:
        print(
            f"error: conversation {args.conversation_id!r} has no reflection yet",
            file=sys.stderr,
        )
        return EXIT_NO_SESSION
    _audit(
        db,
        "view_summary",
        args.conversation_id,
        {"format": args.fmt, "session": summary.session_key},
    )
    if args.fmt == "json":
        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_markdown(summary), end="")
    return 0
