"""Supervision: scripts/supervise.sh (make run) and the systemd units."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUPERVISE = ROOT / "scripts" / "supervise.sh"
UNITS = ROOT / "config" / "production" / "systemd"


def _wait_for(predicate, seconds: float = 15):  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_crashing_service_is_restarted_with_backoff_and_reported(tmp_path):
    starts = tmp_path / "starts"
    log = tmp_path / "service.log"
    env = {
        **os.environ,
        "SUPERVISE_MIN_DELAY": "1",
        "SUPERVISE_MAX_DELAY": "2",
    }
    supervisor = subprocess.Popen(
        [str(SUPERVISE), "demo", str(log), "sh", "-c", f"echo x >> {starts}; exit 3"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        # Three crashes reported (the report follows each exit).
        assert _wait_for(
            lambda: log.exists() and log.read_text().count("supervise: demo") >= 3
        )
    finally:
        os.killpg(supervisor.pid, signal.SIGTERM)
        output, _ = supervisor.communicate(timeout=10)
    assert supervisor.returncode == 0  # stopped on request, cleanly
    reports = [line for line in output.splitlines() if "supervise: demo" in line]
    assert "exited with status 3" in reports[0]
    delays = [line.rsplit("restarting in ", 1)[1] for line in reports]
    assert delays[:3] == ["1s", "2s", "2s"]  # doubling, capped
    assert log.read_text().count("supervise: demo") == len(reports)


def test_stopping_the_supervisor_stops_the_service(tmp_path):
    marker = tmp_path / "alive"
    supervisor = subprocess.Popen(
        [
            str(SUPERVISE),
            "sleeper",
            str(tmp_path / "log"),
            "sh",
            "-c",
            f"touch {marker}; exec sleep 60",
        ],
        start_new_session=True,
    )
    assert _wait_for(marker.exists)
    os.killpg(supervisor.pid, signal.SIGTERM)
    assert supervisor.wait(timeout=10) == 0
    left = subprocess.run(
        ["pgrep", "-s", str(supervisor.pid)], capture_output=True, text=True
    )
    assert left.stdout.strip() == ""


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed"
)
def test_the_systemd_units_verify(tmp_path):
    # Point the units at this checkout so that systemd can check every path.
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/srv/afterglow", str(ROOT))
        text = text.replace("User=afterglow", "User=root")
        text = text.replace("/etc/afterglow/env", str(tmp_path / "env"))
        (tmp_path / unit.name).write_text(text)
    (tmp_path / "env").write_text("AFTERGLOW_ACTION_TOKEN=x\n")
    (ROOT / "var").mkdir(exist_ok=True)
    result = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            *sorted(str(p) for p in tmp_path.glob("afterglow*")),
        ],
        capture_output=True,
        text=True,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # Not booted with systemd (a container): nothing about our units.
        if line.strip() and "afterglow" in line
    ]
    assert problems == []
