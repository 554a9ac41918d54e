"""Text normalisation before matching, keeping a map back to the original text.

Patients write "kmssss", "sucide", "idw2live", "ki\u200bll", fullwidth letters or
emoji instead of words. The normaliser rewrites each word into the form the
lexicon is written against and records, for every rewritten segment, where it
came from, so evidence offsets always point into the ORIGINAL message.

What is rewritten is data (``normalise`` sections of the lexicon files); this
module only knows *how* to rewrite.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

# Invisible characters people (or keyboards) put inside words.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_WORD = rf"(?:[^\W_]|[{_INVISIBLE}])+(?:['’](?:[^\W_]|[{_INVISIBLE}])+)*"
# C0/C1 controls (except tab and newline) become spaces: same length, no meaning.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]"
_RUN = re.compile(r"([^\W\d_])\1{2,}")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
_MAX_RUN_VARIANTS = 3  # runs beyond this are all collapsed to one letter
# Runs of one symbol ("!!!!!!", "((((") are shortened and no stretch without
# whitespace may exceed _MAX_RUN_WITHOUT_SPACE characters: spaCy's tokenizer
# strips affixes one at a time, which is quadratic on an 80 KB run of brackets.
_SYMBOL_RUN = re.compile(r"([^\w\s])\1{3,}")
_MAX_RUN_WITHOUT_SPACE = 64
_TRAILING_NON_SPACE = re.compile(r"\S*\Z")
_LEADING_NON_SPACE = re.compile(r"\A\S*")


def strip_accents(text: str) -> str:
    """Remove combining accents: ``"corté"`` -> ``"corte"``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text plus the segment map back to the original.

    Segments are contiguous pieces of the normalised text. A segment whose length
    did not change maps character by character; a rewritten segment (``kms`` ->
    ``kill myself``) maps as a whole onto its original span.
    """

    original: str
    text: str
    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    orig_ends: tuple[int, ...]

    def _segment(self, pos: int) -> int:
        return max(bisect_right(self.norm_starts, pos) - 1, 0)

    def _is_linear(self, seg: int) -> bool:
        norm_end = (
            self.norm_starts[seg + 1]
            if seg + 1 < len(self.norm_starts)
            else len(self.text)
        )
        return (
            norm_end - self.norm_starts[seg]
            == self.orig_ends[seg] - self.orig_starts[seg]
        )

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of :attr:`text` onto :attr:`original`."""
        if not self.norm_starts or end <= start:
            return (0, 0)
        seg = self._segment(start)
        if self._is_linear(seg):
            orig_start = self.orig_starts[seg] + start - self.norm_starts[seg]
        else:
            orig_start = self.orig_starts[seg]
        seg = self._segment(end - 1)
        if self._is_linear(seg):
            orig_end = self.orig_starts[seg] + end - self.norm_starts[seg]
        else:
            orig_end = self.orig_ends[seg]
        return (orig_start, max(orig_end, orig_start))


def _break_long_runs(piece: str) -> str:
    """Insert a space into every whitespace-free stretch longer than the limit."""
    limit = _MAX_RUN_WITHOUT_SPACE
    return re.sub(rf"(\S{{{limit}}})(?=\S)", r"\1 ", piece)


class Normaliser:
    """Rewrites words and emoji into lexicon form.

    Args:
        replacements: whole-word rewrites, keys lower-case (``{"kms": "kill myself"}``).
        emoji: emoji (optionally followed by U+FE0F) to a word (``{"🔪": "emoji_knife"}``).
        is_known: whether a word is known; used to decide how to collapse repeated
            letters ("killll" -> "kill" but "sooo" -> "so") and to accept leetspeak.
    """

    def __init__(
        self,
        replacements: Mapping[str, str],
        emoji: Mapping[str, str],
        is_known: Callable[[str], bool],
    ) -> None:
        self._replacements = dict(replacements)
        self._is_known = is_known
        self._emoji = {key: f" {value} " for key, value in emoji.items()}
        alternatives = [_WORD, _CONTROL]
        if self._emoji:
            keys = sorted(self._emoji, key=len, reverse=True)
            alternatives.append("(?:" + "|".join(map(re.escape, keys)) + ")\ufe0f?")
        self._pattern = re.compile("|".join(f"({alt})" for alt in alternatives))
        self.normalise_word = lru_cache(maxsize=65536)(self._normalise_word)

    def normalise(self, original: str) -> NormalisedText:
        """Return the normalised text and its map to ``original``."""
        pieces: list[str] = []
        norm_starts: list[int] = []
        orig_starts: list[int] = []
        orig_ends: list[int] = []
        out_len = 0
        run = 0  # characters since the last whitespace in the output
        cursor = 0

        def emit(piece: str, orig_start: int, orig_end: int) -> None:
            nonlocal out_len, run
            if not piece and orig_end == orig_start:
                return
            if len(piece) > 3:
                piece = _SYMBOL_RUN.sub(r"\1\1\1", piece)
            leading = _LEADING_NON_SPACE.match(piece).end()
            if leading and run + leading > _MAX_RUN_WITHOUT_SPACE:
                piece = " " + piece
            if len(piece) > _MAX_RUN_WITHOUT_SPACE:
                piece = _break_long_runs(piece)
            pieces.append(piece)
            norm_starts.append(out_len)
            orig_starts.append(orig_start)
            orig_ends.append(orig_end)
            out_len += len(piece)
            trailing = len(_TRAILING_NON_SPACE.search(piece).group())
            run = trailing if trailing < len(piece) else run + trailing

        for match in self._pattern.finditer(original):
            start, end = match.span()
            if start > cursor:
                emit(original[cursor:start], cursor, start)
            word, control, emoji = match.group(1), match.group(2), match.group(3)
            if word is not None:
                emit(self.normalise_word(word), start, end)
            elif control is not None:
                emit(" " * (end - start), start, end)
            else:
                emit(self._emoji[emoji.rstrip("\ufe0f")], start, end)
            cursor = end
        if cursor < len(original):
            emit(original[cursor:], cursor, len(original))
        return NormalisedText(
            original=original,
            text="".join(pieces),
            norm_starts=tuple(norm_starts),
            orig_starts=tuple(orig_starts),
            orig_ends=tuple(orig_ends),
        )

    def _normalise_word(self, word: str) -> str:
        for ch in _INVISIBLE:
            word = word.replace(ch, "")
        word = unicodedata.normalize("NFKC", word.replace("’", "'")).lower()
        if word in self._replacements:
            return self._replacements[word]
        if _RUN.search(word):
            word = self._collapse_runs(word)
            if word in self._replacements:
                return self._replacements[word]
        if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word):
            unleet = word.translate(_LEET)
            if unleet in self._replacements:
                return self._replacements[unleet]
            if self._is_known(unleet):
                return unleet
        return word

    def _collapse_runs(self, word: str) -> str:
        """Collapse runs of 3+ identical letters, preferring a known word."""
        runs = list(_RUN.finditer(word))
        if len(runs) > _MAX_RUN_VARIANTS:
            return _RUN.sub(r"\1", word)
        candidates = []
        for widths in product((2, 1), repeat=len(runs)):
            pieces, cursor = [], 0
            for run, width in zip(runs, widths, strict=True):
                pieces.append(word[cursor : run.start()] + run.group(1) * width)
                cursor = run.end()
            candidates.append("".join(pieces) + word[cursor:])
        for candidate in candidates:
            if candidate in self._replacements or self._is_known(candidate):
                return candidate
        return candidates[-1]
