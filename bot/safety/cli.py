"""``python -m bot crisis-scan FILE``: scan JSON lines from a file or stdin.

Input: one JSON object per line with ``id`` and ``text`` (other keys ignored; an
optional ``context`` list of earlier user messages is honoured). Output, in
input order, one JSON line per input: ``{"id", "level", "category",
"evidence"}``. A malformed line is reported on stderr by line number and
reason, never with its text; the other lines are still processed and the exit
status is 2. Blank lines are skipped.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterable
from typing import IO, Any

from bot.safety.detector import CrisisDetector

EXIT_OK = 0
EXIT_MALFORMED = 2


class MalformedLine(ValueError):
    """An input line that cannot be scanned; the message is safe to log."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``crisis-scan`` sub-command (see ``bot/__main__.py``)."""
    parser = subparsers.add_parser(
        "crisis-scan",
        help="scan JSON lines {id, text} for crisis risk",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="JSON-lines file, or - for stdin")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handler for ``crisis-scan``; returns the exit status."""
    if args.file == "-":
        stream = _utf8(sys.stdin)
        return scan_lines(stream, sys.stdout, sys.stderr)
    try:
        with open(args.file, encoding="utf-8", errors="replace") as stream:
            return scan_lines(stream, sys.stdout, sys.stderr)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_MALFORMED


def scan_lines(
    lines: Iterable[str],
    out: IO[str],
    err: IO[str],
    detector: CrisisDetector | None = None,
) -> int:
    """Scan each JSON line of ``lines``, writing results to ``out``.

    Returns:
        0 when every line was well formed, 2 otherwise.
    """
    detector = detector or CrisisDetector.load()
    status = EXIT_OK
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record_id, text, context = _parse(line)
        except MalformedLine as exc:
            print(f"line {number}: {exc}", file=err)
            status = EXIT_MALFORMED
            continue
        verdict = detector.scan(text, context=context)
        result = {
            "id": record_id,
            "level": verdict.level.label,
            "category": verdict.category,
            "evidence": [item.to_dict() for item in verdict.evidence],
        }
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return status


def _parse(line: str) -> tuple[Any, str, list[str]]:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise MalformedLine("invalid JSON") from None
    if not isinstance(record, dict):
        raise MalformedLine("not a JSON object")
    if "id" not in record:
        raise MalformedLine("missing id")
    record_id = record["id"]
    if record_id is None or isinstance(record_id, (bool, dict, list)):
        raise MalformedLine("id must be a string or a number")
    if "text" not in record:
        raise MalformedLine("missing text")
    if not isinstance(record["text"], str):
        raise MalformedLine("text must be a string")
    context = record.get("context", [])
    if context is None:
        context = []
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        raise MalformedLine("context must be a list of strings")
    return record_id, record["text"], context


def _utf8(stream: IO[str]) -> IO[str]:
    """Stdin decoded as UTF-8 with replacement, whatever the locale says."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return stream
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace")
