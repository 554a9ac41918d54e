"""The clinic worker: ingest, remind, deliver, summarise; again and again.

Each step of a tick is guarded on its own, so a failing notifier, a database
hiccup or a bug in the summary hook is logged and retried on the next tick
instead of stopping the loop. Logs carry ids, levels, counts and error class
names only: exception messages (SQL errors quote their parameters, which can
be patient text) are never logged.
"""

from __future__ import annotations

import importlib
import logging
import os
import random
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import ClinicConfig
from bot.escalation.delivery import deliver_due
from bot.escalation.ingest import Ingestor
from bot.escalation.notifiers import (
    SMTP_PASSWORD_ENV,
    Notifier,
    notifiers_from_config,
)
from bot.escalation.outbox import Outbox
from bot.escalation.reminders import queue_reminders
from bot.escalation.timeutil import Clock, as_utc, utcnow
from bot.store.db import Database
from bot.store.events import EventStream

logger = logging.getLogger(__name__)

# Extension point: a module with process_due(db, stream, config, now) that the
# worker calls every tick (written in bot/summary; optional).
SUMMARY_HOOK_MODULE = "bot.summary.service"
SUMMARY_HOOK_FUNCTION = "process_due"


def log_failure(step: str, error: BaseException) -> None:
    """Log a failed step with its error class and code location, no message."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ", ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in frames)
    logger.error("%s failed: %s at %s", step, type(error).__name__, where or "?")


def load_summary_hook() -> Callable[..., Any] | None:
    """``bot.summary.service.process_due`` if that module exists, else ``None``."""
    try:
        module = importlib.import_module(SUMMARY_HOOK_MODULE)
    except ModuleNotFoundError as error:
        if error.name in (SUMMARY_HOOK_MODULE, SUMMARY_HOOK_MODULE.rsplit(".", 1)[0]):
            return None
        raise
    hook = getattr(module, SUMMARY_HOOK_FUNCTION, None)
    return hook if callable(hook) else None


@dataclass
class TickReport:
    """Counts of one worker tick."""

    events: int = 0
    escalations: int = 0
    queued: int = 0
    reminders: int = 0
    delivered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class Worker:
    """One clinic worker over one application database and one broker table."""

    def __init__(
        self,
        db: Database,
        stream: EventStream,
        config: ClinicConfig,
        *,
        clock: Clock = utcnow,
        notifiers: dict[str, Notifier] | None = None,
        rng: random.Random | None = None,
        summary_hook: Callable[..., Any] | None = None,
        use_summary_hook: bool = True,
    ) -> None:
        self.db = db
        self.stream = stream
        self.config = config
        self.clock = clock
        self.outbox = Outbox(config)
        self.ingestor = Ingestor(db, stream, self.outbox)
        self.notifiers = notifiers or notifiers_from_config(config.notifications.smtp)
        self.rng = rng or random.Random()
        self._summary_hook = summary_hook
        self._use_summary_hook = use_summary_hook
        self._summary_hook_loaded = summary_hook is not None
        self._stop = threading.Event()

    def now(self) -> datetime:
        """The injected clock's time, in UTC."""
        return as_utc(self.clock())

    def summary_hook(self) -> Callable[..., Any] | None:
        """The summary extension point, resolved once (``None`` if absent)."""
        if self._use_summary_hook and not self._summary_hook_loaded:
            self._summary_hook_loaded = True
            try:
                self._summary_hook = load_summary_hook()
            except Exception as error:  # noqa: BLE001 - run without summaries
                log_failure("loading the summary hook", error)
            if self._summary_hook is not None:
                logger.info("summary hook %s enabled", SUMMARY_HOOK_MODULE)
        return self._summary_hook

    def _ingest(self, report: TickReport) -> None:
        ingested = self.ingestor.run(self.now())
        report.events = ingested.events
        report.escalations = ingested.escalations
        report.queued = ingested.notifications

    def _remind(self, report: TickReport) -> None:
        report.reminders = queue_reminders(
            self.db, self.outbox, self.config, self.now()
        )

    def _deliver(self, report: TickReport) -> None:
        retry = self.config.notifications.retry
        delivered = deliver_due(
            self.db, self.notifiers, retry, self.now(), rng=self.rng
        )
        report.delivered, report.failed = delivered.delivered, delivered.failed

    def _summarise(self, report: TickReport) -> None:
        hook = self.summary_hook()
        if hook is not None:
            hook(self.db, self.stream, self.config, self.now())

    def tick(self) -> TickReport:
        """One round: ingest, queue reminders, deliver, summaries.

        Each step is guarded on its own: a failure is logged (class and code
        location only) and the next step still runs.
        """
        report = TickReport()
        steps = (
            ("ingest", self._ingest),
            ("reminders", self._remind),
            ("delivery", self._deliver),
            ("summaries", self._summarise),
        )
        for name, step in steps:
            try:
                step(report)
            except Exception as error:  # noqa: BLE001 - the loop must go on
                report.errors.append(name)
                log_failure(name, error)
        if report.events or report.delivered or report.failed or report.reminders:
            logger.info(
                "tick: events=%d escalations=%d queued=%d reminders=%d "
                "delivered=%d failed=%d",
                report.events,
                report.escalations,
                report.queued,
                report.reminders,
                report.delivered,
                report.failed,
            )
        return report

    def stop(self, *_: Any) -> None:
        """Ask the loop to end after the current tick (signal-handler safe)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, interval: float = 1.0, once: bool = False) -> None:
        """Tick every ``interval`` seconds until ``stop()`` (or once)."""
        notifications = self.config.notifications
        logger.info(
            "worker started: %d webhooks, %d clinic emails, interval %.1fs",
            len(notifications.webhooks),
            len(notifications.emails),
            interval,
        )
        if notifications.smtp.username and not os.environ.get(SMTP_PASSWORD_ENV):
            logger.warning(
                "smtp.username is set but %s is empty: email logins will fail",
                SMTP_PASSWORD_ENV,
            )
        while not self._stop.is_set():
            self.tick()
            if once:
                break
            self._stop.wait(interval)
        logger.info("worker stopped")

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT end the loop cleanly after the current tick."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.stop)
