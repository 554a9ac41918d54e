"""A small pattern language compiled to spaCy ``Matcher`` token patterns.

The lexicon files write patterns as short strings instead of spaCy's verbose
token dictionaries. Tokens are separated by spaces:

==============  ==========================================================
``kill``        a token whose lemma is ``kill`` or the lemma of ``kill``
                (pattern words are lemmatised like message words)
``die/dead``    lemma is one of several words
``=pecho``      the normalised surface form (not the lemma) is ``pecho``
``@SELF``       lemma is in the named set; a set with multi-word entries
                expands into alternatives
``#NUM``        a number (digits or number words)
``!than/to``    one token whose lemma is none of these
``_``           exactly one token of any kind
``*`` / ``*2``  up to one / two optional tokens of any kind
``x?``          suffix ``?``: the token (or ``@SET``/``#NUM``) is optional
``( a b | c )`` alternative sequences; ``( ... )?`` makes the group optional
==============  ==========================================================

Pattern words go through the same lemmatisation as message tokens (lookup
table, then the lexicon's overrides, lower case, no accents), so "tired",
"later" or "an" in a pattern match whatever the pipeline makes of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import product

from bot.safety.normalise import strip_accents

MAX_ALTERNATIVES = 4096

TokenPattern = list[dict]
_LEXEME = re.compile(r"\(|\)\??|\||[^\s()|]+")
_WORD = re.compile(r"^[^\s@#!=*?()|/]+$")


class PatternError(ValueError):
    """A pattern string that cannot be compiled; the message says why."""


@lru_cache(maxsize=65536)
def canonical(word: str) -> str:
    """Lower-case, accent-free form used for lemmas and pattern words."""
    return strip_accents(word.lower())


def _merge_single_tokens(
    options: list[TokenPattern], optional: bool
) -> TokenPattern | None:
    """``(a|b|c)`` of plain one-token options -> one token with ``IN`` (no expansion)."""
    attrs = set()
    words: list[str] = []
    for option in options:
        if len(option) != 1 or "OP" in option[0] or len(option[0]) != 1:
            return None
        ((attr, value),) = option[0].items()
        if attr not in ("LEMMA", "NORM"):
            return None
        if isinstance(value, str):
            words.append(value)
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words.extend(value["IN"])
        else:
            return None
        attrs.add(attr)
    if len(attrs) != 1:
        return None
    token: dict = {attrs.pop(): {"IN": sorted(set(words))}}
    if optional:
        token["OP"] = "?"
    return [token]


class PatternCompiler:
    """Compiles pattern strings, resolving ``@SET`` references.

    Args:
        sets: set name -> list of pattern strings (each one entry).
        lemmatize: maps a lower-case word to the lemma tokens will carry;
            defaults to :func:`canonical` (no lemmatisation).
    """

    def __init__(
        self,
        sets: Mapping[str, Sequence[str]],
        lemmatize: Callable[[str], str] = canonical,
    ) -> None:
        self._sets = {name: list(entries) for name, entries in sets.items()}
        self._lemmatize = lemmatize
        self._resolving: list[str] = []
        self._cache: dict[str, list[TokenPattern]] = {}
        self.words: set[str] = set()

    def compile(self, pattern: str) -> list[TokenPattern]:
        """Return every token-pattern alternative for ``pattern``.

        Raises:
            PatternError: on syntax errors, unknown sets, patterns that can match
                nothing but optional tokens, or too many alternatives.
        """
        lexemes = _LEXEME.findall(pattern)
        if not lexemes:
            raise PatternError("empty pattern")
        alternatives, rest = self._sequence(lexemes, 0, pattern)
        if rest != len(lexemes):
            raise PatternError(f"unexpected {lexemes[rest]!r} in {pattern!r}")
        for alternative in alternatives:
            if not any(token.get("OP") != "?" for token in alternative):
                raise PatternError(f"{pattern!r} can match an empty span")
            last = alternative[-1].get("LEMMA")
            if isinstance(last, dict) and "NOT_IN" in last:
                raise PatternError(
                    f"{pattern!r} ends with a '!' token, which needs a following "
                    "token and so never matches at the end of a message; write "
                    "the benign continuation as an exception instead"
                )
        return alternatives

    def is_single_token_set(self, name: str) -> bool:
        return all(_WORD.match(entry) for entry in self._sets.get(name, ()))

    # -- parser ---------------------------------------------------------------

    def _sequence(
        self, lexemes: list[str], pos: int, source: str
    ) -> tuple[list[TokenPattern], int]:
        alternatives: list[TokenPattern] = [[]]
        while (
            pos < len(lexemes)
            and lexemes[pos] not in ("|",)
            and not lexemes[pos].startswith(")")
        ):
            if lexemes[pos] == "(":
                options, pos = self._group(lexemes, pos + 1, source)
            else:
                options = self._atom(lexemes[pos], source)
                pos += 1
            alternatives = [
                left + right for left, right in product(alternatives, options)
            ]
            if len(alternatives) > MAX_ALTERNATIVES:
                raise PatternError(f"{source!r} expands to too many alternatives")
        return alternatives, pos

    def _group(
        self, lexemes: list[str], pos: int, source: str
    ) -> tuple[list[TokenPattern], int]:
        options: list[TokenPattern] = []
        while True:
            branch, pos = self._sequence(lexemes, pos, source)
            if not any(branch):
                raise PatternError(f"empty alternative in {source!r}")
            options.extend(branch)
            if pos >= len(lexemes):
                raise PatternError(f"unclosed '(' in {source!r}")
            if lexemes[pos] == "|":
                pos += 1
                continue
            optional = lexemes[pos] == ")?"
            merged = _merge_single_tokens(options, optional)
            if merged is not None:
                return [merged], pos + 1
            if optional:
                options.append([])
            return options, pos + 1

    def _atom(self, lexeme: str, source: str) -> list[TokenPattern]:
        optional = lexeme.endswith("?") and len(lexeme) > 1
        body = lexeme[:-1] if optional else lexeme
        op = {"OP": "?"} if optional else {}
        if body == "_":
            return [[dict(op)]]
        if re.fullmatch(r"\*\d?", body):
            count = int(body[1:] or 1)
            return [[{"OP": "?"} for _ in range(count)]]
        if body == "#NUM":
            return [[{"LIKE_NUM": True, **op}]]
        if body.startswith("@"):
            return self._set_reference(body[1:], optional, source)
        if body.startswith("!"):
            words = self._words(body[1:], source, lemmas=True)
            return [[{"LEMMA": {"NOT_IN": words}}]]
        attr = "LEMMA"
        if body.startswith("="):
            attr, body = "NORM", body[1:]
        words = self._words(body, source, lemmas=attr == "LEMMA")
        value: object = words[0] if len(words) == 1 else {"IN": words}
        return [[{attr: value, **op}]]

    def _words(self, body: str, source: str, lemmas: bool) -> list[str]:
        raw = body.lower().split("/")
        if not all(raw) or not all(_WORD.match(word) for word in raw):
            raise PatternError(f"bad token {body!r} in {source!r}")
        plain = {canonical(word) for word in raw}
        self.words.update(plain)
        if not lemmas:
            return sorted(plain)
        # A word matches its lemma or itself: "thought" is lemmatised to "think",
        # but the noun "thoughts" has the lemma "thought".
        return sorted(plain | {self._lemmatize(word) for word in raw})

    def _set_reference(
        self, name: str, optional: bool, source: str
    ) -> list[TokenPattern]:
        if name not in self._sets:
            raise PatternError(f"unknown set @{name} in {source!r}")
        if name in self._resolving:
            raise PatternError(f"set @{name} refers to itself")
        if self.is_single_token_set(name):
            words = self._words("/".join(self._sets[name]), source, lemmas=True)
            return [[{"LEMMA": {"IN": words}, **({"OP": "?"} if optional else {})}]]
        if name not in self._cache:
            self._resolving.append(name)
            try:
                expanded: list[TokenPattern] = []
                for entry in self._sets[name]:
                    expanded.extend(self.compile(entry))
            finally:
                self._resolving.pop()
            self._cache[name] = expanded
        options = list(self._cache[name])
        return options + [[]] if optional else options
