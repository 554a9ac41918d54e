"""Detector version.

Bump :data:`DETECTOR_VERSION` whenever detector code or any lexicon file changes
behaviour; every verdict records it, so an escalation can always be traced to
the exact rules that produced it. ``tests/safety/test_version.py`` pins the
lexicon digest (and the classifier corpus digest) to this version so a lexicon
or corpus edit cannot ship unnoticed.
"""

DETECTOR_VERSION = "2026.12.1"

# SHA-256 over common.yml, en.yml and es.yml (see bot.safety.lexicon.load_lexicon).
LEXICON_DIGEST = "2e477e09a44295b3aa6b2fb10c13d6293bcb0f172607040664f7748c9925813c"

# SHA-256 prefix over the classifier corpus (bot/safety/data/train.jsonl, dev.jsonl;
# see bot.safety.classifier.corpus_digest): retraining changes verdicts too.
CORPUS_DIGEST = "b02924c56de7dabe"
