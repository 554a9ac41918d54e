"""The project's own spaCy pipelines: blank tokenizers plus the lookup lemmatizer.

No pretrained model is downloaded; the lemma tables come from the
``spacy-lookups-data`` package, so everything works offline.
"""

from functools import cache

import spacy
from spacy.language import Language

SUPPORTED_LANGUAGES = ("en", "es")


@cache
def get_nlp(lang: str = "en") -> Language:
    """Return a cached blank pipeline for ``lang`` with a lookup lemmatizer.

    Args:
        lang: ISO code, one of ``SUPPORTED_LANGUAGES``.

    Returns:
        An initialised spaCy ``Language`` whose tokens carry ``lemma_``.
    """
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(
            f"unsupported language {lang!r}; use one of {SUPPORTED_LANGUAGES}"
        )
    nlp = spacy.blank(lang)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp
