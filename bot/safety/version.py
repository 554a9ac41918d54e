"""Detector version.

Bump :data:`DETECTOR_VERSION` whenever detector code or any lexicon file changes
behaviour; every verdict records it, so an escalation can always be traced to
the exact rules that produced it. ``tests/safety/test_version.py`` pins the
lexicon digest to this version so a lexicon edit cannot ship unnoticed.
"""

DETECTOR_VERSION = "2026.11.1"
