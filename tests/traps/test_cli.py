import io
import json

import pytest

from bot.__main__ import main
from bot.traps import TRAP_NAMES
from bot.traps.cli import process

SECRET = "my secret thought that must not leak"


def _run(lines: list[str]) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    data = io.BytesIO("".join(line + "\n" for line in lines).encode("utf-8"))
    status = process(data, out, err)
    return (
        status,
        [json.loads(line) for line in out.getvalue().splitlines()],
        err.getvalue(),
    )


def test_one_line_per_input_in_order(detector):
    lines = [
        json.dumps({"id": "a", "thought": "I'm such a loser."}),
        json.dumps({"id": 2, "thought": "I went for a walk with my sister."}),
        json.dumps({"id": "c", "thought": "I should be over this by now."}),
    ]
    status, records, err = _run(lines)
    assert status == 0 and err == ""
    assert [r["id"] for r in records] == ["a", 2, "c"]
    assert records[0]["traps"][0] == "labeling"
    assert records[1]["traps"] == []
    assert "should_statements" in records[2]["traps"]
    assert all(set(r) == {"id", "traps"} for r in records)
    assert all(t in TRAP_NAMES for r in records for t in r["traps"])


def test_malformed_lines_go_to_stderr_by_number(detector):
    lines = [
        json.dumps({"id": "ok1", "thought": "I always fail."}),
        "{not json " + SECRET,
        json.dumps({"thought": SECRET}),
        json.dumps({"id": "x", "thought": 5}),
        json.dumps([SECRET]),
        json.dumps({"id": "ok2", "thought": "Nobody likes me."}),
    ]
    status, records, err = _run(lines)
    assert status == 2
    assert [r["id"] for r in records] == ["ok1", "ok2"]
    reported = [line.split(":")[0] for line in err.splitlines()]
    assert reported == ["line 2", "line 3", "line 4", "line 5"]
    assert SECRET not in err and "secret" not in err


def test_invalid_utf8_is_malformed(detector):
    out, err = io.StringIO(), io.StringIO()
    status = process(io.BytesIO(b'{"id": 1, "thought": "\xff"}\n'), out, err)
    assert status == 2 and out.getvalue() == "" and err.getvalue().startswith("line 1:")


def test_command_line_reads_a_file(tmp_path, capsys, detector):
    path = tmp_path / "thoughts.jsonl"
    path.write_text(json.dumps({"id": "a", "thought": "I'm such a loser."}) + "\n")
    assert main(["traps", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": "a", "traps": ["labeling"]}


def test_command_line_stdin_and_missing_file(tmp_path, capsys, monkeypatch, detector):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"id": 1}\n')))
    assert main(["traps", "-"]) == 2
    assert capsys.readouterr().err.startswith("line 1:")
    assert main(["traps", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "traps" in capsys.readouterr().out
