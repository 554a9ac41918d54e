"""No message text in any log: a redaction layer over every logger in the process.

Rasa logs conversation content on its error paths: the REST channel's failure
event carries the message, structlog's JSON tracebacks carry every local
variable, a failed action call carries the reply body (the tracker), and the
"Failed to parse arguments" warning quotes a button payload. Our own code never
logs text, but we do not control Rasa's, Rasa SDK's, Sanic's or aiohttp's.

So, in every Afterglow process (``bot`` is imported by Rasa, the action server,
the worker and the portal):

* structlog events keep only their name, level and plain numbers; strings lose
  anything quoted, content keys (text, tracker, sender id, ...) are replaced
  outright, and an exception is rendered without locals and without quoted parts;
* standard ``logging`` records lose quoted spans and ``{...: ...}`` dumps from
  the message and from the traceback text;
* warnings (Rasa's ``raise_warning``) go through the same redaction, except
  library deprecation notices, which quote code names, not conversations.

Quoted spans are what Rasa's format strings put user content in; redacting all
of them loses some detail in Rasa's own messages, which is the right trade.
"""

from __future__ import annotations

import logging
import re
import traceback
import warnings
from typing import Any

REDACTED = "[redacted]"

# structlog keys whose values are conversation content or identify a patient.
CONTENT_KEYS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "entities",
        "token_text",
        "user_message",
        "json_message",
        "tracker",
        "events",
        "body",
        "payload",
        "metadata",
        "request_body",
        "sender_id",
        "conversation_id",
        "slots",
        "value",
    }
)
# structlog keys kept as they are.
STRUCTURE_KEYS = frozenset({"event", "event_key", "level", "log_level", "timestamp"})

# A quote mark inside a word (don't) does not end the span.
_QUOTED = re.compile(r"""(?<!\w)(['"])[^\n]+?\1(?!\w)""")
_FRAME = re.compile(r'^  File "[^"\n]*", line \d+, in [\w<>.]+\n?$')
_DUMP = re.compile(r"\{[^{}]*:[^{}]*\}")
_installed = False


class Redacted(str):
    """A log message already redacted (structlog's rendered output)."""


def redact(text: str) -> str:
    """``text`` without quoted spans or ``{key: value}`` dumps."""
    redacted = _QUOTED.sub(REDACTED, text)
    previous = None
    while previous != redacted:  # nested dumps, innermost first
        previous, redacted = redacted, _DUMP.sub(REDACTED, redacted)
    return redacted


def format_exception(exc_info: Any) -> str:
    """A traceback without local variables, exception messages redacted."""
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    lines = "".join(traceback.format_exception(*exc_info)).splitlines(keepends=True)
    # Frame headers (File "path", line N, in name) are code locations: kept.
    return "".join(line if _FRAME.match(line) else redact(line) for line in lines)


# -- standard logging ------------------------------------------------------------------


def _redacting_factory(make_record):  # noqa: ANN001, ANN202
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if isinstance(record.msg, Redacted):
            return record
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed call: keep none of its args
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = format_exception(record.exc_info)
        return record

    return factory


# -- structlog --------------------------------------------------------------------------


def redact_event(_logger: Any, _method: str, event_dict: dict) -> dict:
    """structlog processor: the event with content removed (see module doc)."""
    exc_info = event_dict.pop("exc_info", None)
    if exc_info:
        if exc_info is True:
            import sys

            exc_info = sys.exc_info()
        if isinstance(exc_info, BaseException) or (
            isinstance(exc_info, tuple) and exc_info[0] is not None
        ):
            event_dict["exception"] = format_exception(exc_info)
    for key, value in list(event_dict.items()):
        if key in STRUCTURE_KEYS or key == "exception":
            continue
        if key in CONTENT_KEYS:
            event_dict[key] = REDACTED
        elif isinstance(value, str):
            event_dict[key] = redact(value)
        elif not isinstance(value, (int, float, bool, type(None))):
            event_dict[key] = REDACTED
    return event_dict


def _mark_rendered(_logger: Any, _method: str, rendered: Any) -> Any:
    return Redacted(rendered) if isinstance(rendered, str) else rendered


def _install_structlog() -> None:
    try:
        import structlog
        from structlog.processors import ExceptionRenderer
    except ImportError:  # pragma: no cover - structlog comes with rasa
        return
    # Cached bound loggers hold this very list, so change it in place.
    processors = structlog.get_config()["processors"]
    if redact_event in processors:
        return
    # Locals-bearing traceback renderers go; redact_event renders exceptions.
    processors[:] = [p for p in processors if not isinstance(p, ExceptionRenderer)]
    renderer = processors.pop() if processors else None
    processors.append(redact_event)
    if renderer is not None:
        processors.append(renderer)
    processors.append(_mark_rendered)


# -- warnings ---------------------------------------------------------------------------


def _redacting_showwarning(show):  # noqa: ANN001, ANN202
    def showwarning(
        message, category, filename, lineno, file=None, line=None
    ):  # noqa: ANN001, ANN202
        # Library deprecation notices name code, not conversations: kept whole.
        if not issubclass(category, (DeprecationWarning, PendingDeprecationWarning)):
            message = redact(str(message))
        return show(message, category, filename, lineno, file, line)

    showwarning.redacting = True
    return showwarning


def install() -> None:
    """Put the redaction layer in place for this process (idempotent)."""
    global _installed
    _install_structlog()
    if _installed:
        return
    logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory()))
    if not getattr(warnings.showwarning, "redacting", False):
        warnings.showwarning = _redacting_showwarning(warnings.showwarning)
    _installed = True
