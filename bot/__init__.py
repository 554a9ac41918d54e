"""Afterglow: post-infusion integration support for ketamine clinics.

Domain logic lives here, free of Rasa; ``actions/`` and ``bot.components`` are
thin adapters onto it.
"""

__version__ = "0.1.0"
