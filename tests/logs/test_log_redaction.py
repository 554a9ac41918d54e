"""No message text in any log line, on Rasa's own paths (issue 13, item 7)."""

from __future__ import annotations

import io
import json
import logging
import warnings

import pytest
import structlog

from bot import log_redaction
from bot.log_redaction import REDACTED, redact

MARKER = "zebra-marker"


@pytest.fixture
def rasa_structlog():
    """structlog configured as ``rasa run`` configures it (JSON, not a tty)."""
    from rasa.utils import log_utils

    log_utils.configure_structlog(logging.INFO)
    log_redaction.install()
    yield
    structlog.reset_defaults()


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_quoted_spans_and_dumps_are_removed():
    assert redact("user message 'I don't want to be here' intent") == (
        f"user message {REDACTED} intent"
    )
    assert redact('body={"text": "x", "slots": {"a": 1}}') == f"body={REDACTED}"
    assert redact("database is locked") == "database is locked"


def test_rest_channel_failure_event_keeps_no_text(rasa_structlog, captured):
    # rasa.core.channels.rest logs the message and (with JSON tracebacks) locals.
    logger = structlog.get_logger("rasa.core.channels.rest")
    patient_text = f"I am not safe {MARKER}"
    try:
        raise RuntimeError(f"while handling '{patient_text}'")
    except RuntimeError:
        logger.exception("rest.message.received.failure", text=patient_text)
    line = captured.getvalue()
    assert "rest.message.received.failure" in line
    assert MARKER not in line
    event = json.loads(line.split(" ", 2)[2])
    assert event["text"] == REDACTED
    assert "RuntimeError" in event["exception"]
    assert "locals" not in line


def test_structlog_strings_and_ids_are_redacted(rasa_structlog, captured):
    structlog.get_logger("rasa.core.processor").error(
        "processor.failure",
        sender_id=f"conv-{MARKER}",
        action_name="action_show_safety_plan",
        note=f'payload \'/inform{{"x": "{MARKER}"}}\'',
        details={"anything": MARKER},
        count=2,
    )
    line = captured.getvalue()
    assert MARKER not in line
    assert "action_show_safety_plan" in line and '"count": 2' in line


def test_standard_logging_of_a_failed_action_call(captured):
    # rasa.utils.endpoints.ClientResponseError: "500, msg, body='<tracker json>'"
    body = json.dumps({"tracker": {"latest_message": {"text": MARKER}}})
    logger = logging.getLogger("rasa.core.actions.action")
    try:
        raise ValueError(f"500, Internal Server Error, body='{body}'")
    except ValueError:
        logger.exception("Failed to run custom action %s", "'action_x'")
    text = captured.getvalue()
    assert MARKER not in text
    assert "Traceback" in text and "ValueError" in text


def test_rasa_parse_warning_does_not_quote_the_payload():
    shown = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        original = warnings.showwarning
        warnings.showwarning = log_redaction._redacting_showwarning(
            lambda message, category, filename, lineno, file=None, line=None: (
                shown.write(str(message))
            )
        )
        try:
            warnings.warn(
                f'Failed to parse arguments in line \'/greet{{"a": "{MARKER}"}}\'.',
                stacklevel=1,
            )
        finally:
            warnings.showwarning = original
    assert "Failed to parse arguments" in shown.getvalue()
    assert MARKER not in shown.getvalue()


def test_install_is_in_place_in_every_process_importing_bot():
    import bot  # noqa: F401

    record = logging.getLogRecordFactory()(
        "rasa", logging.INFO, __file__, 1, "message '%s'", (MARKER,), None
    )
    assert MARKER not in record.getMessage()


def test_library_deprecation_notices_keep_their_names():
    shown = []
    show = log_redaction._redacting_showwarning(
        lambda message, category, filename, lineno, file=None, line=None: (
            shown.append(str(message))
        )
    )
    notice = "'setParseAction' deprecated - use 'set_parse_action'"
    show(notice, DeprecationWarning, "x.py", 1)
    show(f"payload '{MARKER}'", UserWarning, "x.py", 1)
    assert shown == [notice, f"payload {REDACTED}"]
