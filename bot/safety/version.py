"""Detector version.

Bump :data:`DETECTOR_VERSION` whenever detector code or any lexicon file changes
behaviour; every verdict records it, so an escalation can always be traced to
the exact rules that produced it. ``tests/safety/test_version.py`` pins the
lexicon digest (and the classifier corpus digest) to this version so a lexicon
or corpus edit cannot ship unnoticed.
"""

DETECTOR_VERSION = "2026.11.6"

# SHA-256 over common.yml, en.yml and es.yml (see bot.safety.lexicon.load_lexicon).
LEXICON_DIGEST = "f315c952a2cc5e071c20d58d8ff6bf2934dff6b59d5fd5ae68cc529b569356ce"

# SHA-256 prefix over the classifier corpus (bot/safety/data/train.jsonl, dev.jsonl;
# see bot.safety.classifier.corpus_digest): retraining changes verdicts too.
CORPUS_DIGEST = "b02924c56de7dabe"
