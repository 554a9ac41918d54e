"""Afterglow: post-infusion integration support for ketamine clinics.

Domain logic lives here, free of Rasa; ``actions/`` and ``bot.components`` are
thin adapters onto it.
"""

from bot import log_redaction
from bot.store.sqlite import tune_every_sqlite_engine

__version__ = "0.1.0"

# Any process that imports Afterglow (Rasa loads our components and channels,
# the action server our actions) opens SQLite in WAL mode with a busy timeout,
# Rasa's own tracker store and event broker included.
tune_every_sqlite_engine()

# No message text in any log line of the process, Rasa's own included.
log_redaction.install()
