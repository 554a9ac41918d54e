"""``python -m bot escalations`` and ``escalations ack``."""

from __future__ import annotations

import json

import pytest

import bot.__main__ as entry


@pytest.fixture
def run(monkeypatch, db, stream, capsys):
    monkeypatch.setenv("AFTERGLOW_DB_URL", db.url)
    monkeypatch.setenv("AFTERGLOW_BROKER_DB_URL", stream.url)
    monkeypatch.delenv("AFTERGLOW_CLINIC_CONFIG", raising=False)
    # Only this package's commands: the test must not depend on other packages.
    monkeypatch.setattr(entry, "COMMAND_MODULES", ("bot.escalation.cli",))

    def run(*argv):
        try:
            status = entry.main(list(argv))
        except SystemExit as exit_:  # argparse errors
            status = exit_.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_json_lists_flags_without_a_running_worker(run, broker, clock, patient):
    broker.user("pt-known", "earlier words")
    broker.flagged("pt-known", "I want to die", level="high", category="explicit_si")
    broker.bot("pt-known", "You are not alone.", "utter_crisis_high")

    status, out, _ = run("escalations", "--json")

    assert status == 0
    [record] = json.loads(out)
    for field in (
        "id",
        "conversation_id",
        "level",
        "category",
        "message",
        "created_at",
        "status",
        "final_level",
        "evidence",
        "detector_version",
        "bot_response",
        "acknowledged_at",
        "notifications",
    ):
        assert field in record
    assert record["message"] == "I want to die"
    assert (record["level"], record["category"], record["status"]) == (
        "high",
        "explicit_si",
        "open",
    )
    assert record["conversation_id"] == "pt-known"
    assert record["bot_response"][0]["utter_action"] == "utter_crisis_high"
    assert record["context"][0]["text"] == "earlier words"
    [notification] = record["notifications"]
    assert (notification["status"], notification["attempts"]) == ("pending", 0)


def test_table_has_no_message_text(run, broker):
    broker.flagged("c1", "SECRET-PATIENT-WORDS")
    status, out, _ = run("escalations")
    assert status == 0
    assert "SECRET-PATIENT-WORDS" not in out
    assert "explicit_si" in out and "c1" in out
    assert run("escalations", "--status", "acknowledged")[1].strip() == (
        "no escalations"
    )


def test_ack_records_the_clinician(run, broker, patient):
    broker.flagged("pt-known", "help")
    run("escalations")
    status, out, _ = run(
        "escalations", "ack", "1", "--by", "Therapist@Clinic.test", "--note", "called"
    )
    assert status == 0 and "acknowledged" in out
    [record] = json.loads(run("escalations", "--json")[1])
    assert record["status"] == "acknowledged"
    assert record["acknowledgement_note"] == "called"
    assert record["acknowledged_by_email"] == "therapist@clinic.test"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("escalations", "ack", "42", "--by", "therapist@clinic.test"),
            "no escalation",
        ),
        (
            ("escalations", "ack", "1", "--by", "nobody@clinic.test"),
            "no active clinician",
        ),
        (("escalations", "ack", "x", "--by", "therapist@clinic.test"), "invalid int"),
        (("escalations", "ack", "1"), "--by"),
    ],
)
def test_errors_exit_2_without_traceback(run, broker, patient, argv, message):
    broker.flagged("pt-known", "help")
    status, _, err = run(*argv)
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_second_ack_is_an_error(run, broker, patient):
    broker.flagged("pt-known", "help")
    run("escalations")
    assert run("escalations", "ack", "1", "--by", "therapist@clinic.test")[0] == 0
    status, _, err = run("escalations", "ack", "1", "--by", "therapist@clinic.test")
    assert status == 2 and "already acknowledged" in err


def test_broken_config_is_a_clear_error(run, monkeypatch, tmp_path):
    bad = tmp_path / "clinic.yml"
    bad.write_text("clinic: {}\n")
    monkeypatch.setenv("AFTERGLOW_CLINIC_CONFIG", str(bad))
    status, _, err = run("escalations")
    assert status == 2 and "invalid clinic configuration" in err


def test_worker_once(run, broker):
    broker.flagged("c1", "help")
    status, _, _ = run("worker", "--once", "--log-level", "WARNING")
    assert status == 0
    [record] = json.loads(run("escalations", "--json")[1])
    assert record["conversation_id"] == "c1"
