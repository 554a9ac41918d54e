"""``python -m bot crisis-scan``: JSON lines in, JSON lines out, errors by line."""

import io
import json
import subprocess
import sys
from pathlib import Path

from bot.__main__ import main as bot_main
from bot.safety.cli import scan_lines

ROOT = Path(__file__).resolve().parents[2]

INPUT = "\n".join(
    [
        json.dumps({"id": "a", "text": "I want to kill myself", "extra": 1}),
        "this is not json",
        json.dumps({"id": 2, "text": "hello"}),
        json.dumps({"text": "no id here"}),
        json.dumps({"id": "c", "text": 42}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"id": "d"}),
        json.dumps(
            {"id": "e", "text": "which bridge is tallest", "context": ["I lost my job"]}
        ),
        json.dumps({"id": "f", "text": "hi", "context": "not a list"}),
        json.dumps({"id": "g", "text": "me duele el pecho"}),
    ]
)


def run(lines: str, detector):
    out, err = io.StringIO(), io.StringIO()
    status = scan_lines(io.StringIO(lines), out, err, detector)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err


def test_contract(detector):
    status, results, err = run(INPUT, detector)
    assert status == 2
    assert [r["id"] for r in results] == ["a", 2, "e", "g"]
    assert all(set(r) == {"id", "level", "category", "evidence"} for r in results)
    first = results[0]
    assert first["level"] == "moderate"
    assert first["category"] == "explicit_si"
    assert first["evidence"][0] == {
        "rule": "explicit_si.want_to_kill_self",
        "text": "want to kill myself",
        "start": 2,
        "end": 21,
    }
    assert results[1] == {"id": 2, "level": "none", "category": None, "evidence": []}
    assert results[2]["level"] == "high"  # context honoured
    assert results[3]["level"] == "imminent"
    assert err.getvalue().splitlines() == [
        "line 2: invalid JSON",
        "line 4: missing id",
        "line 5: text must be a string",
        "line 7: not a JSON object",
        "line 8: missing text",
        "line 10: context must be a list of strings",
    ]


def test_error_lines_never_contain_message_text(detector):
    bad = (
        json.dumps({"text": "I want to kill myself"})
        + "\n"
        + '{"id": 1, "text": "secret'
    )
    status, results, err = run(bad, detector)
    assert status == 2 and results == []
    assert "kill" not in err.getvalue() and "secret" not in err.getvalue()


def test_all_good_lines_exit_zero(detector):
    status, results, err = run(json.dumps({"id": 1, "text": "ok"}) + "\n", detector)
    assert status == 0 and len(results) == 1 and err.getvalue() == ""


def test_registered_in_bot_cli(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": 1, "text": "I took all my pills"}) + "\n", encoding="utf-8"
    )
    assert bot_main(["crisis-scan", str(source)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["level"] == "imminent" and result["category"] == "plan_means"


def test_missing_file(tmp_path, capsys):
    assert bot_main(["crisis-scan", str(tmp_path / "absent.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_stdin_in_a_subprocess():
    lines = json.dumps({"id": 1, "text": "quiero morir"}) + "\n{broken\n"
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "crisis-scan", "-"],
        input=lines.encode("utf-8"),
        capture_output=True,
        cwd=ROOT,
        timeout=300,
    )
    assert completed.returncode == 2
    assert json.loads(completed.stdout)["level"] == "moderate"
    assert b"line 2: invalid JSON" in completed.stderr
