"""Start Afterglow's real servers on free 127.0.0.1 ports for end-to-end tests.

Each ``Stack`` has its own databases and clinic configuration under a
temporary folder, so tests never touch ``var/`` and never share state.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml

from bot.action_server import ACTION_TOKEN_ENV, ACTION_TOKEN_HEADER

ROOT = Path(__file__).resolve().parents[2]
# A second model (trained with another seed) can be put under the same tests.
MODEL = Path(
    os.environ.get("AFTERGLOW_E2E_MODEL", ROOT / "models" / "afterglow.tar.gz")
)
PYTHON_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f}s")


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


class Stack:
    """Rasa server, action server, clinic worker and portal, as subprocesses."""

    def __init__(self, workdir: Path, clinic_overrides: dict | None = None) -> None:
        self.workdir = workdir
        self.var = workdir / "var"
        self.var.mkdir(parents=True, exist_ok=True)
        self.rasa_port, self.actions_port, self.portal_port = (
            free_port(),
            free_port(),
            free_port(),
        )
        self.db_url = f"sqlite:///{self.var / 'afterglow.db'}"
        self.broker_url = f"sqlite:///{self.var / 'events.db'}"
        self.clinic_config = workdir / "clinic.yml"
        clinic = yaml.safe_load((ROOT / "config" / "clinic.yml").read_text())
        for key, value in (clinic_overrides or {}).items():
            clinic[key].update(value) if isinstance(
                value, dict
            ) else clinic.__setitem__(key, value)
        self.clinic_config.write_text(yaml.safe_dump(clinic))
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            yaml.safe_dump(
                {
                    "action_endpoint": {
                        "url": f"http://127.0.0.1:{self.actions_port}/webhook",
                        "headers": {ACTION_TOKEN_HEADER: "${" + ACTION_TOKEN_ENV + "}"},
                    },
                    "tracker_store": {
                        "type": "SQL",
                        "dialect": "sqlite",
                        "db": str(self.var / "tracker.db"),
                    },
                    "event_broker": {
                        "type": "SQL",
                        "dialect": "sqlite",
                        "db": str(self.var / "events.db"),
                    },
                }
            )
        )
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "AFTERGLOW_DB_URL": self.db_url,
            "AFTERGLOW_BROKER_DB_URL": self.broker_url,
            "AFTERGLOW_CLINIC_CONFIG": str(self.clinic_config),
            "AFTERGLOW_SECRET_KEY": "e2e-test-secret-key-not-for-production",
            "AFTERGLOW_ACTION_TOKEN": "e2e-action-server-token-not-for-production",
            # Restarts come quickly in tests; the policy is the same as make run's.
            "SUPERVISE_MIN_DELAY": "1",
            "SUPERVISE_MAX_DELAY": "4",
            "SANIC_HOST": "127.0.0.1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    # Processes -----------------------------------------------------------------------

    def _spawn(self, name: str, args: list[str]) -> None:
        """Start ``args`` under ``scripts/supervise.sh``, as ``make run`` does."""
        log = self.workdir / f"{name}.log"
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(
            [str(ROOT / "scripts" / "supervise.sh"), name, str(log), *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def service_pid(self, name: str) -> int:
        """The pid of the service itself (the supervisor's child)."""
        supervisor = self.processes[name].pid
        children = Path(f"/proc/{supervisor}/task/{supervisor}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        # Between a crash and the restart the only child is the backoff sleep.
        (pid,) = [p for p in pids if "sleep" not in _cmdline(p)]
        return pid

    def start_actions(self) -> None:
        self._spawn(
            "actions",
            [
                str(PYTHON_BIN / "python"),
                "-m",
                "bot",
                "actions",
                "--port",
                str(self.actions_port),
            ],
        )
        wait_until(
            lambda: requests.get(
                f"http://127.0.0.1:{self.actions_port}/health", timeout=2
            ).ok,
            120,
            "action server",
        )

    def start_rasa(self) -> None:
        self._spawn(
            "rasa",
            [
                str(PYTHON_BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "-i",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
            ],
        )
        wait_until(
            lambda: requests.get(f"http://127.0.0.1:{self.rasa_port}/", timeout=2).ok,
            240,
            "rasa server",
        )

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [str(PYTHON_BIN / "python"), "-m", "bot", "worker", "--interval", "0.5"],
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log_text(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace") if name in self.logs else ""

    # Talking to the bot ----------------------------------------------------------------

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def send(self, sender: str, text: str, timeout: float = 60) -> list[dict]:
        response = requests.post(
            self.rest_url, json={"sender": sender, "message": text}, timeout=timeout
        )
        response.raise_for_status()
        return response.json()

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PYTHON_BIN / "python"), "-m", "bot", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def reflections(self, sender: str) -> list[dict]:
        """The sender's stored reflection records, oldest first, JSON decoded."""
        with sqlite3.connect(self.db_url.removeprefix("sqlite:///")) as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute(
                "SELECT * FROM reflections WHERE conversation_id = ? ORDER BY id",
                (sender,),
            ).fetchall()
        return [
            {
                **dict(row),
                "answers": json.loads(row["answers"]),
                "step_status": json.loads(row["step_status"]),
            }
            for row in rows
        ]

    def escalations(self) -> list[dict]:
        result = self.cli("escalations", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
