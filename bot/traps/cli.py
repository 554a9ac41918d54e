"""``python -m bot traps FILE``: suggest thinking traps for JSON-lines thoughts.

Input, one object a line: ``{"id": ..., "thought": "..."}``. Output, one line
per valid input in the same order: ``{"id": ..., "traps": [names, best
first]}``. Malformed lines are reported on stderr by line number only (the
text may be clinical), skipped, and make the exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import IO, Any

EXIT_OK = 0
EXIT_MALFORMED = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``traps`` sub-command."""
    parser = subparsers.add_parser(
        "traps",
        help="suggest thinking traps for thoughts in a JSON-lines file",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument(
        "file", help="JSON lines with 'id' and 'thought'; '-' reads stdin"
    )
    parser.add_argument(
        "--top-k",
        type=int,
        default=3,
        help="at most this many traps per thought (default 3)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handler for ``python -m bot traps``; returns the exit status."""
    try:
        if args.file == "-":
            return process(sys.stdin.buffer, sys.stdout, sys.stderr, args.top_k)
        with open(args.file, "rb") as lines:
            return process(lines, sys.stdout, sys.stderr, args.top_k)
    except OSError as error:
        print(f"traps: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return EXIT_MALFORMED


def process(lines: Iterable[bytes], out: IO[str], err: IO[str], top_k: int = 3) -> int:
    """Answer every well-formed line in order; report the others on ``err``."""
    from bot.traps.detector import TrapDetector  # keep `--help` fast

    detector = None
    status = EXIT_OK
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        record, problem = _parse(raw)
        if problem:
            print(f"line {number}: {problem}", file=err)
            status = EXIT_MALFORMED
            continue
        detector = detector or TrapDetector.load()
        traps = [s.name for s in detector.detect(record["thought"], top_k)]
        out.write(
            json.dumps({"id": record["id"], "traps": traps}, ensure_ascii=False) + "\n"
        )
    out.flush()
    return status


def _parse(raw: bytes) -> tuple[dict[str, Any], str | None]:
    """The record on one line, or a description of what is wrong with it."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {}, "not UTF-8"
    except ValueError:
        return {}, "not valid JSON"
    if not isinstance(record, dict):
        return {}, "expected a JSON object"
    if "id" not in record or record["id"] is None:
        return {}, "missing 'id'"
    if not isinstance(record.get("thought"), str):
        return {}, "'thought' must be a string"
    return record, None
