"""A lexicon change must come with a new detector version."""

from bot.safety.lexicon import load_lexicon
from bot.safety.version import DETECTOR_VERSION, LEXICON_DIGEST


def test_lexicon_digest_matches_the_released_version():
    digest = load_lexicon().digest
    assert digest == LEXICON_DIGEST, (
        f"the lexicon changed: bump DETECTOR_VERSION (now {DETECTOR_VERSION}) and "
        f"set LEXICON_DIGEST = {digest!r} in bot/safety/version.py"
    )


def test_semantic_corpus_digest_matches_the_released_version():
    from bot.safety.semantic import corpus_digest
    from bot.safety.version import CORPUS_DIGEST

    digest = corpus_digest()
    assert digest == CORPUS_DIGEST, (
        f"the semantic corpus changed: bump DETECTOR_VERSION (now "
        f"{DETECTOR_VERSION}) and set CORPUS_DIGEST = {digest!r} in "
        "bot/safety/version.py, and run python -m bot.safety.semantic build"
    )
