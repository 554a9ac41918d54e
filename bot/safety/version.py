"""Detector version.

Bump :data:`DETECTOR_VERSION` whenever detector code or any lexicon file changes
behaviour; every verdict records it, so an escalation can always be traced to
the exact rules that produced it. ``tests/safety/test_version.py`` pins the
lexicon digest to this version so a lexicon edit cannot ship unnoticed.
"""

DETECTOR_VERSION = "2026.11.2"

# SHA-256 over common.yml, en.yml and es.yml (see bot.safety.lexicon.load_lexicon).
LEXICON_DIGEST = "d834194e0876c02107a10271f5fd137947ebcf6a0a9d25a0185967a9e2c76c97"
