"""Detector version.

Bump :data:`DETECTOR_VERSION` whenever detector code or any lexicon file changes
behaviour; every verdict records it, so an escalation can always be traced to
the exact rules that produced it. ``tests/safety/test_version.py`` pins the
lexicon digest (and the semantic layer's corpus digest) to this version so a lexicon
or corpus edit cannot ship unnoticed.
"""

DETECTOR_VERSION = "2026.12.3"

# SHA-256 over common.yml, en.yml and es.yml (see bot.safety.lexicon.load_lexicon).
LEXICON_DIGEST = "0336081b696e8b63197a68a2d9132b92fdb12dcde564ea224c46ef0af9b7aac8"

# Prefix of bot.safety.semantic.corpus_digest(): the semantic layer's corpus
# (bot/safety/data and its voices/, the NLU examples), the lexicon whose
# readings are its features, and the encoder's sha256.
# Refitting changes verdicts too; semantic.npz records the same digest.
CORPUS_DIGEST = "f853ec620a523f6d"
