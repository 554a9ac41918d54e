"""Input hygiene shared by the detector and the reframe check.

Cleaning keeps every character at its offset (one character in, one out), so
spans found in the cleaned text can be cut straight out of the original.
"""

from __future__ import annotations

import re
import unicodedata

from spacy.tokens import Doc

from bot.nlp import get_nlp

# A reflection thought is a sentence or two; longer input is cut, not refused.
MAX_THOUGHT_CHARS = 2000

_TAG = re.compile(r"<[^<>]{0,200}>")
_PUNCTUATION_MAP = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"'}
)


def truncate(text: object) -> str:
    """Return ``text`` as a string of at most ``MAX_THOUGHT_CHARS``.

    Bytes are decoded leniently; anything else that is not a string gives "".
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        return ""
    return text[:MAX_THOUGHT_CHARS]


def clean(text: str) -> str:
    """Blank out markup and control characters, straighten quotes, lower-case.

    The result has the same length as ``text``.
    """
    text = _TAG.sub(lambda match: " " * len(match.group()), text)
    text = text.translate(_PUNCTUATION_MAP)
    return "".join(_clean_char(char) for char in text)


def _clean_char(char: str) -> str:
    if unicodedata.category(char)[0] in "CZ" and char != " ":
        return " "  # controls, surrogates, odd spaces and line breaks
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def analyse(text: object) -> tuple[str, Doc]:
    """Truncate and clean ``text``, then tokenise it with the shared pipeline.

    Returns:
        The truncated original (for cutting out cue words) and the ``Doc`` of
        its cleaned, lower-cased form.
    """
    original = truncate(text)
    return original, get_nlp("en")(clean(original))


def has_words(doc: Doc) -> bool:
    """True when the document contains at least one alphabetic token."""
    return any(token.is_alpha for token in doc)
