"""The worker loop: resilience, the summary hook, signals."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from bot.escalation.worker import Worker
from bot.store.db import Database
from bot.store.models import Escalation

ROOT = Path(__file__).resolve().parents[2]


def _worker(db, stream, config, clock, **kwargs):
    kwargs.setdefault("use_summary_hook", False)
    return Worker(db, stream, config, clock=clock, rng=random.Random(1), **kwargs)


def test_a_failing_step_does_not_stop_the_others(
    db, stream, broker, clock, config_factory, recorder, caplog
):
    config = config_factory(emails=["oncall@clinic.test"])
    broker.flagged("c1", "help")
    worker = _worker(db, stream, config, clock, notifiers={"email": recorder})
    worker.tick()

    def broken(*args):
        raise RuntimeError("SECRET-PATIENT-WORDS in an error message")

    worker.ingestor.run = broken
    with db.session() as s:  # a row to deliver even though ingest is broken
        from bot.store.models import Notification

        s.add(
            Notification(
                kind="summary",
                channel="email",
                target="t@clinic.test",
                payload={},
                next_attempt_at=clock(),
                created_at=clock(),
            )
        )
    report = worker.tick()
    assert report.errors == ["ingest"] and report.delivered == 1
    assert "ingest failed: RuntimeError" in caplog.text
    assert "SECRET-PATIENT-WORDS" not in caplog.text


def test_summary_hook_is_called_each_tick(db, stream, clock, config_factory):
    calls = []
    start = clock()
    worker = Worker(
        db,
        stream,
        config_factory(),
        clock=clock,
        summary_hook=lambda *args: calls.append(args),
    )
    worker.tick()
    clock.advance(seconds=5)
    worker.tick()
    assert [args[3] for args in calls] == [start, start + timedelta(seconds=5)]
    assert calls[0][:3] == (db, stream, worker.config)


def test_a_failing_summary_hook_is_logged(db, stream, clock, config_factory, caplog):
    def hook(*args):
        raise ValueError("nope")

    worker = Worker(db, stream, config_factory(), clock=clock, summary_hook=hook)
    assert worker.tick().errors == ["summaries"]
    assert "summaries failed: ValueError" in caplog.text


def test_the_summary_extension_point_resolves(db, stream, config_factory):
    from bot.escalation.worker import load_summary_hook

    hook = load_summary_hook()
    if hook is not None:  # bot.summary.service exists in this checkout
        assert hook.__name__ == "process_due"


def test_stop_ends_the_loop(db, stream, clock, config_factory):
    worker = _worker(db, stream, config_factory(), clock)
    thread = threading.Thread(target=worker.run, kwargs={"interval": 30})
    thread.start()
    time.sleep(0.2)
    worker.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_sigterm_stops_the_worker_process(tmp_path, stream, broker):
    broker.flagged("c1", "SECRET-PATIENT-WORDS")
    db_url = f"sqlite:///{tmp_path / 'afterglow.db'}"
    env = dict(
        os.environ,
        AFTERGLOW_DB_URL=db_url,
        AFTERGLOW_BROKER_DB_URL=stream.url,
        PYTHONPATH=str(ROOT),
    )
    env.pop("AFTERGLOW_CLINIC_CONFIG", None)
    code = (
        "import sys, bot.__main__ as m;"
        "m.COMMAND_MODULES = ('bot.escalation.cli',);"
        "sys.exit(m.main(sys.argv[1:]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    db = Database(db_url)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        try:
            with db.session() as s:
                if s.get(Escalation, 1) is not None:
                    break
        except Exception:  # noqa: BLE001 - the worker has not created it yet
            continue
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    assert "escalation 1 created" in stderr
    assert "worker stopped" in stderr
    assert "SECRET-PATIENT-WORDS" not in stderr
