"""Commands ``python -m bot escalations`` and ``python -m bot worker``.

``escalations`` first runs one ingest pass, so its answer is complete even
when the worker is not running (notifications it queues are delivered by the
worker). The table view never shows message text; ``--json`` does, because it
is meant for the clinic's own tooling.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported lazily below: every `python -m bot` loads this file
    from bot.config import ClinicConfig
    from bot.store.db import Database

COMMAND_ERROR = 2


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return COMMAND_ERROR


def _load_config() -> ClinicConfig:
    from bot.config import load_config

    return load_config()


def _ingest_once(db: Database, config: ClinicConfig) -> None:
    from bot.escalation.ingest import Ingestor
    from bot.escalation.outbox import Outbox
    from bot.escalation.runtime import open_event_stream
    from bot.escalation.timeutil import utcnow

    try:
        Ingestor(db, open_event_stream(), Outbox(config)).run(utcnow())
    except Exception as error:  # noqa: BLE001 - still list what is recorded
        print(
            f"warning: could not read new broker events ({type(error).__name__}); "
            "showing what is recorded",
            file=sys.stderr,
        )


def _table(records: list[dict[str, Any]]) -> str:
    header = f"{'id':>5}  {'created (UTC)':<20} {'level':<9} {'final':<9} "
    header += f"{'category':<24} {'status':<13} {'sent':>5}  patient"
    lines = [header]
    for record in records:
        notifications = record["notifications"]
        sent = sum(1 for n in notifications if n["status"] == "delivered")
        lines.append(
            f"{record['id']:>5}  {(record['created_at'] or '')[:19]:<20} "
            f"{record['level']:<9} {record['final_level'] or '-':<9} "
            f"{record['category'][:24]:<24} {record['status']:<13} "
            f"{sent:>2}/{len(notifications):<2}  "
            f"{record['patient_name'] or record['conversation_id']}"
        )
    return "\n".join(lines)


def list_command(args: argparse.Namespace) -> int:
    """``escalations [--json] [--status S]``: ingest once, then list."""
    from bot.config import ConfigError
    from bot.escalation.runtime import open_database
    from bot.escalation.service import list_escalations

    try:
        config = _load_config()
    except ConfigError as error:
        return _fail(str(error))
    db = open_database()
    _ingest_once(db, config)
    records = list_escalations(db, status=args.status, newest_first=False)
    if args.json:
        print(json.dumps(records, indent=2, ensure_ascii=False))
    elif records:
        print(_table(records))
    else:
        print("no escalations")
    return 0


def ack_command(args: argparse.Namespace) -> int:
    """``escalations ack ID --by EMAIL [--note TEXT]``."""
    from bot.escalation.runtime import open_database
    from bot.escalation.service import (
        EscalationError,
        acknowledge,
        clinician_id_for_email,
    )

    db = open_database()
    try:
        clinician_id = clinician_id_for_email(db, args.by)
        record = acknowledge(db, args.id, clinician_id, args.note, via="cli")
    except EscalationError as error:
        return _fail(str(error))
    print(f"escalation {record['id']} acknowledged by {args.by.strip().lower()}")
    return 0


def worker_command(args: argparse.Namespace) -> int:
    """``worker [--once] [--interval S]``: run until SIGTERM/SIGINT."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.config import ConfigError
    from bot.escalation.runtime import open_database, open_event_stream
    from bot.escalation.worker import Worker

    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.interval <= 0:
        return _fail("--interval must be positive")
    try:
        config = _load_config()
    except ConfigError as error:
        return _fail(str(error))
    try:
        worker = Worker(open_database(), open_event_stream(), config)
    except SQLAlchemyError as error:
        return _fail(f"cannot open the databases ({type(error).__name__})")
    worker.install_signal_handlers()
    worker.run(interval=args.interval, once=args.once)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``escalations`` (with ``ack``) and ``worker``."""
    escalations = subparsers.add_parser(
        "escalations",
        help="list flagged messages (after ingesting new broker events)",
        description="List escalations, after one ingest pass over new broker "
        "events. The table leaves out message text; --json includes it.",
    )
    escalations.add_argument(
        "--json", action="store_true", help="full records, message text included"
    )
    escalations.add_argument("--status", choices=("open", "acknowledged"))
    escalations.set_defaults(handler=list_command)
    actions = escalations.add_subparsers(dest="escalations_command")
    ack = actions.add_parser("ack", help="acknowledge an escalation")
    ack.add_argument("id", type=int, help="escalation id")
    ack.add_argument("--by", required=True, metavar="EMAIL", help="clinician email")
    ack.add_argument("--note", help="what was done (stored, never logged)")
    ack.set_defaults(handler=ack_command)

    worker = subparsers.add_parser(
        "worker",
        help="run the clinic worker (escalations, notifications, summaries)",
    )
    worker.add_argument("--once", action="store_true", help="one tick, then exit")
    worker.add_argument(
        "--interval", type=float, default=1.0, help="seconds between ticks"
    )
    worker.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    worker.set_defaults(handler=worker_command)
