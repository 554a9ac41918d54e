"""Detector version.

Bump :data:`DETECTOR_VERSION` whenever detector code or any lexicon file changes
behaviour; every verdict records it, so an escalation can always be traced to
the exact rules that produced it. ``tests/safety/test_version.py`` pins the
lexicon digest to this version so a lexicon edit cannot ship unnoticed.
"""

DETECTOR_VERSION = "2026.11.1"

# SHA-256 over common.yml, en.yml and es.yml (see bot.safety.lexicon.load_lexicon).
LEXICON_DIGEST = "04c31cc7c9b20f1715ff5c6b589033e2267b1e7fa0808da321b8d8cabdedda09"
