"""Loading and validating the crisis lexicon (``bot/safety/lexicon/*.yml``).

The lexicon is data: rules, cue phrases, word sets, normalisation tables and the
level adjustments. This module turns the YAML into checked, immutable objects and
fails at start-up with a message naming the file and the rule when something is
wrong, so a typo can never silently switch a rule off.

File layout:

* ``common.yml``: ``signals`` each category provides, level ``adjustments``,
  ``window_chars`` and the ``fallback`` keyword list used if matching fails.
* ``<lang>.yml``: ``normalise`` tables, ``lemmas`` overrides, ``syntax``
  (sentence and clause breaks), ``persons``, ``negation``, ``sets``, ``cues``
  (signal -> patterns), ``exceptions`` (benign readings) and ``rules``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safety.patterns import PatternCompiler, PatternError, TokenPattern, canonical
from bot.safety.verdict import RULE_CATEGORIES as CATEGORIES
from bot.safety.verdict import Level

LEXICON_DIR = Path(__file__).with_name("lexicon")
LANGUAGES = ("en", "es")

# Gates a rule can be subject to; see ``bot.safety.gates``. Each context gate
# needs the listed signal to be defined by cues in every language file.
GATES = (
    "negation",
    "third_party",
    "media",
    "educational",
    "experiential",
    "resolved",
    "laughter",
    "asked",
    "needs_speaker",
)
GATE_SIGNALS = {
    "media": "media",
    "educational": "educational",
    "experiential": "ketamine",
    "resolved": "resolved",
    "laughter": "laughter",
    "asked": "asked",
}
# A gate does not suppress when the sentence also carries this signal
# ("the nurse asked if I'd hurt myself and I said yes").
GATE_OVERRIDES = {"asked": "affirm"}
DEFAULT_RISK_GATES = ("negation", "third_party", "media", "educational", "asked")
ADJUSTMENT_MODES = ("raise", "set")
ADJUSTMENT_SCOPES = ("message", "conversation")
_RULE_ID = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


class _WordsLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false; "no", "on", "off" stay words."""


_WordsLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WordsLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class LexiconError(ValueError):
    """The lexicon files are invalid; the message says where and why."""


@dataclass(frozen=True)
class Rule:
    """A risk rule, a cue (signal only) or an exception (a benign reading).

    ``kind`` is ``"risk"``, ``"cue"`` or ``"exception"``. An exception match
    swallows any risk match it contains ("end things *with my boyfriend*").
    """

    id: str
    kind: str
    category: str | None
    level: Level
    signals: frozenset[str]
    gates: frozenset[str]
    requires: frozenset[str]
    near: int | None
    unless_near: frozenset[str]
    unless_next: frozenset[str]
    min_number: float | None
    blood_pressure: bool
    patterns: tuple[TokenPattern, ...]

    @property
    def is_cue(self) -> bool:
        return self.kind == "cue"

    @property
    def is_exception(self) -> bool:
        return self.kind == "exception"


@dataclass(frozen=True)
class Adjustment:
    """Changes a finding's level when certain signals occur near it."""

    id: str
    categories: frozenset[str]
    rule_prefixes: tuple[str, ...]
    with_signals: frozenset[str]
    requires: frozenset[str]
    level: Level
    category: str | None
    mode: str
    scope: str

    def applies_to(self, rule: Rule) -> bool:
        """Whether ``rule``'s findings are candidates for this adjustment."""
        if self.categories and rule.category not in self.categories:
            return False
        if self.rule_prefixes and not rule.id.startswith(self.rule_prefixes):
            return False
        if self.with_signals and not self.with_signals & rule.signals:
            return False
        return True


@dataclass(frozen=True)
class Negation:
    cues: frozenset[str]
    ignore_if_next: frozenset[str]
    scope_pass: frozenset[str]
    window: int
    post_cues: frozenset[str]


@dataclass(frozen=True)
class LanguageLexicon:
    language: str
    rules: tuple[Rule, ...]
    lemmas: Mapping[str, str]
    sentence_breaks: frozenset[str]
    clause_breaks: frozenset[str]
    first_person: frozenset[str]
    third_person: frozenset[str]
    negation: Negation
    replacements: Mapping[str, str]
    emoji: Mapping[str, str]
    words: frozenset[str]
    stopwords: frozenset[str]
    lemmatize: Callable[..., str]
    possessives: frozenset[str]


@dataclass(frozen=True)
class FallbackKeyword:
    text: str
    category: str
    level: Level


@dataclass(frozen=True)
class Lexicon:
    languages: Mapping[str, LanguageLexicon]
    adjustments: tuple[Adjustment, ...]
    window_chars: int
    fallback: tuple[FallbackKeyword, ...]
    digest: str


Lemmatizer = Callable[[str], str]


def lookup_lemmatizer(lang: str, overrides: Mapping[str, str]) -> Lemmatizer:
    """Lemmatise a word as :mod:`bot.nlp`'s pipeline plus ``overrides`` would.

    The same function canonicalises message tokens at match time
    (:mod:`bot.safety.analysis`), so patterns and messages always agree.
    """
    from bot.nlp import get_nlp  # spaCy import deferred: lexicon tools stay light

    table = get_nlp(lang).get_pipe("lemmatizer").lookups.get_table("lemma_lookup")

    @lru_cache(maxsize=65536)
    def lemmatize(word: str, spacy_lemma: str | None = None) -> str:
        norm = canonical(word)
        if norm in overrides:
            return overrides[norm]
        lemma = canonical(
            spacy_lemma if spacy_lemma is not None else table.get(word, word)
        )
        return overrides.get(lemma) or lemma or norm

    return lemmatize


def load_lexicon(
    directory: Path = LEXICON_DIR,
    lemmatizers: Mapping[str, Callable[[Mapping[str, str]], Lemmatizer]] | None = None,
) -> Lexicon:
    """Read, validate and compile every lexicon file in ``directory``.

    Args:
        directory: folder with ``common.yml`` and one file per language.
        lemmatizers: per language, a factory taking the lemma overrides and
            returning the word lemmatiser; defaults to :func:`lookup_lemmatizer`.

    Raises:
        LexiconError: naming the file and rule for any problem.
    """
    digest = hashlib.sha256()
    raw: dict[str, dict[str, Any]] = {}
    for name in ("common", *LANGUAGES):
        path = directory / f"{name}.yml"
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise LexiconError(f"{path}: cannot read lexicon file ({exc})") from exc
        digest.update(name.encode() + b"\0" + content + b"\0")
        try:
            data = yaml.load(content, Loader=_WordsLoader)  # noqa: S506 - safe subclass
        except yaml.YAMLError as exc:
            raise LexiconError(f"{path}: invalid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise LexiconError(f"{path}: top level must be a mapping")
        raw[name] = data

    common_path = directory / "common.yml"
    common = raw["common"]
    category_signals = _category_signals(common, common_path)
    languages = {
        lang: _language(
            raw[lang],
            directory / f"{lang}.yml",
            lang,
            category_signals,
            (lemmatizers or {}).get(lang)
            or (lambda overrides, lang=lang: lookup_lemmatizer(lang, overrides)),
        )
        for lang in LANGUAGES
    }
    _check_signal_references(languages, directory)
    adjustments = _adjustments(common, common_path, languages)
    window = common.get("window_chars", 200)
    if not isinstance(window, int) or window <= 0:
        raise LexiconError(f"{common_path}: window_chars must be a positive integer")
    return Lexicon(
        languages=languages,
        adjustments=adjustments,
        window_chars=window,
        fallback=_fallback(common, common_path),
        digest=digest.hexdigest(),
    )


# -- helpers ----------------------------------------------------------------------


def _need(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise LexiconError(f"{where}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise LexiconError(f"{where}: {key!r} must be a {kind.__name__}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise LexiconError(f"{where}: expected a non-empty list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item:
            hint = (
                " (quote the words true/false in YAML lists)"
                if isinstance(item, bool)
                else ""
            )
            raise LexiconError(f"{where}: item {index} is {item!r}, not a string{hint}")
    return value


def _optional_strings(value: Any, where: str) -> list[str]:
    return [] if value is None or value == [] else _strings(value, where)


def _lemmas(values: list[str]) -> frozenset[str]:
    return frozenset(canonical(value) for value in values)


def _level(value: Any, where: str) -> Level:
    try:
        return Level.parse(value)
    except ValueError as exc:
        raise LexiconError(f"{where}: {exc}") from exc


def _category_signals(
    common: Mapping[str, Any], path: Path
) -> dict[str, frozenset[str]]:
    signals = _need(common, "signals", dict, str(path))
    result = {}
    for category, names in signals.items():
        if category not in CATEGORIES:
            raise LexiconError(f"{path}: signals: unknown category {category!r}")
        result[category] = frozenset(_strings(names, f"{path}: signals.{category}"))
    missing = set(CATEGORIES) - set(result)
    if missing:
        raise LexiconError(f"{path}: signals: no entry for {sorted(missing)}")
    return result


def _language(
    data: Mapping[str, Any],
    path: Path,
    lang: str,
    category_signals: Mapping[str, frozenset[str]],
    lemmatizer_factory: Callable[[Mapping[str, str]], Lemmatizer],
) -> LanguageLexicon:
    where = str(path)
    if data.get("language") != lang:
        raise LexiconError(f"{where}: 'language' must be {lang!r}")
    normalise = _need(data, "normalise", dict, where)
    replacements = {
        canonical_key.lower(): str(value)
        for canonical_key, value in _need(
            normalise, "replacements", dict, where
        ).items()
    }
    emoji = {str(k): str(v) for k, v in normalise.get("emoji", {}).items()}
    lemmas = {
        canonical(str(k)): canonical(str(v))
        for k, v in _need(data, "lemmas", dict, where).items()
    }
    syntax = _need(data, "syntax", dict, where)
    persons = _need(data, "persons", dict, where)
    negation_data = _need(data, "negation", dict, where)
    lemmatize = lemmatizer_factory(lemmas)

    def words(values: list[str]) -> frozenset[str]:
        """A word list matches tokens by lemma or surface form, like patterns."""
        return _lemmas(values) | frozenset(lemmatize(v.lower()) for v in values)

    negation = Negation(
        cues=words(_strings(negation_data.get("cues"), f"{where}: negation.cues")),
        ignore_if_next=words(
            _optional_strings(negation_data.get("ignore_if_next"), where)
        ),
        scope_pass=words(
            _strings(negation_data.get("scope_pass"), f"{where}: negation.scope_pass")
        ),
        window=int(negation_data.get("window", 5)),
        post_cues=words(
            _strings(negation_data.get("post_cues"), f"{where}: negation.post_cues")
        ),
    )
    sets = _need(data, "sets", dict, where)
    for name, entries in sets.items():
        _strings(entries, f"{where}: sets.{name}")
    compiler = PatternCompiler(sets, lemmatize)
    rules: list[Rule] = []
    for signal, spec in _need(data, "cues", dict, where).items():
        rules.append(_cue(signal, spec, compiler, where))
    for name, patterns in (data.get("exceptions") or {}).items():
        rules.append(_exception(name, patterns, compiler, where))
    seen: set[str] = set()
    for index, spec in enumerate(_need(data, "rules", list, where)):
        rule = _rule(spec, index, compiler, where, category_signals)
        if rule.id in seen:
            raise LexiconError(f"{where}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return LanguageLexicon(
        language=lang,
        rules=tuple(rules),
        lemmas=lemmas,
        sentence_breaks=frozenset(
            _strings(syntax.get("sentence_breaks"), f"{where}: syntax.sentence_breaks")
        ),
        clause_breaks=words(
            _strings(syntax.get("clause_breaks"), f"{where}: syntax.clause_breaks")
        ),
        first_person=words(_strings(persons.get("first"), f"{where}: persons.first")),
        possessives=words(
            _strings(persons.get("possessive"), f"{where}: persons.possessive")
        ),
        third_person=words(_strings(persons.get("third"), f"{where}: persons.third")),
        negation=negation,
        replacements=replacements,
        emoji=emoji,
        words=frozenset(compiler.words),
        lemmatize=lemmatize,
        stopwords=_lemmas(_strings(data.get("stopwords"), f"{where}: stopwords")),
    )


def _compile_all(
    compiler: PatternCompiler, patterns: list[str], where: str
) -> tuple[TokenPattern, ...]:
    compiled: list[TokenPattern] = []
    for pattern in patterns:
        try:
            compiled.extend(compiler.compile(pattern))
        except PatternError as exc:
            raise LexiconError(f"{where}: {exc}") from exc
    return tuple(compiled)


def _cue(signal: str, spec: Any, compiler: PatternCompiler, where: str) -> Rule:
    where = f"{where}: cues.{signal}"
    if not re.fullmatch(r"[a-z_]+", str(signal)):
        raise LexiconError(f"{where}: signal names are lower_snake_case")
    if isinstance(spec, list):
        spec = {"patterns": spec}
    if not isinstance(spec, dict):
        raise LexiconError(f"{where}: expected a list of patterns or a mapping")
    unknown = set(spec) - {"patterns", "negatable"}
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    patterns = _strings(spec.get("patterns"), where)
    return Rule(
        id=f"cue.{signal}",
        kind="cue",
        category=None,
        level=Level.NONE,
        signals=frozenset({signal}),
        gates=frozenset({"negation"} if spec.get("negatable") else ()),
        requires=frozenset(),
        near=None,
        unless_near=frozenset(),
        unless_next=frozenset(),
        min_number=None,
        blood_pressure=False,
        patterns=_compile_all(compiler, patterns, where),
    )


def _exception(name: str, patterns: Any, compiler: PatternCompiler, where: str) -> Rule:
    where = f"{where}: exceptions.{name}"
    if not re.fullmatch(r"[a-z_]+", str(name)):
        raise LexiconError(f"{where}: exception names are lower_snake_case")
    return Rule(
        id=f"exception.{name}",
        kind="exception",
        category=None,
        level=Level.NONE,
        signals=frozenset(),
        gates=frozenset(),
        requires=frozenset(),
        near=None,
        unless_near=frozenset(),
        unless_next=frozenset(),
        min_number=None,
        blood_pressure=False,
        patterns=_compile_all(compiler, _strings(patterns, where), where),
    )


_RULE_KEYS = {
    "id",
    "level",
    "patterns",
    "provides",
    "gates",
    "requires",
    "near",
    "unless_near",
    "unless_next",
    "min_number",
    "blood_pressure",
    "note",
}


def _rule(
    spec: Any,
    index: int,
    compiler: PatternCompiler,
    where: str,
    category_signals: Mapping[str, frozenset[str]],
) -> Rule:
    if not isinstance(spec, dict):
        raise LexiconError(f"{where}: rules[{index}] must be a mapping")
    rule_id = spec.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise LexiconError(
            f"{where}: rules[{index}]: id must look like 'category.name'"
        )
    where = f"{where}: rule {rule_id}"
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    category = rule_id.split(".", 1)[0]
    if category not in CATEGORIES:
        raise LexiconError(f"{where}: {category!r} is not a category ({CATEGORIES})")
    level = _level(spec.get("level"), where)
    if level == Level.NONE:
        raise LexiconError(f"{where}: a rule's level cannot be none")
    gates = spec.get("gates", list(DEFAULT_RISK_GATES))
    if not isinstance(gates, list) or not set(gates) <= set(GATES):
        raise LexiconError(f"{where}: gates must be a list drawn from {GATES}")
    near = spec.get("near")
    if near is not None and (not isinstance(near, int) or near <= 0):
        raise LexiconError(f"{where}: near must be a positive number of characters")
    if near is not None and not spec.get("requires"):
        raise LexiconError(f"{where}: near only makes sense with requires")
    min_number = spec.get("min_number")
    if min_number is not None and not isinstance(min_number, (int, float)):
        raise LexiconError(f"{where}: min_number must be a number")
    provides = _optional_strings(spec.get("provides"), f"{where}: provides")
    return Rule(
        id=rule_id,
        kind="risk",
        category=category,
        level=level,
        signals=category_signals[category] | frozenset(provides),
        gates=frozenset(gates),
        requires=frozenset(_optional_strings(spec.get("requires"), where)),
        near=near,
        unless_near=frozenset(_optional_strings(spec.get("unless_near"), where)),
        unless_next=_lemmas(_optional_strings(spec.get("unless_next"), where)),
        min_number=min_number,
        blood_pressure=bool(spec.get("blood_pressure", False)),
        patterns=_compile_all(compiler, _strings(spec.get("patterns"), where), where),
    )


def _check_signal_references(
    languages: Mapping[str, LanguageLexicon], directory: Path
) -> None:
    for lang, lexicon in languages.items():
        provided = {signal for rule in lexicon.rules for signal in rule.signals}
        where = directory / f"{lang}.yml"
        for rule in lexicon.rules:
            for signal in (rule.requires | rule.unless_near) - provided:
                raise LexiconError(
                    f"{where}: rule {rule.id}: no cue provides {signal!r}"
                )
            for gate in rule.gates:
                for signal in (GATE_SIGNALS.get(gate), GATE_OVERRIDES.get(gate)):
                    if signal and signal not in provided:
                        raise LexiconError(
                            f"{where}: rule {rule.id}: gate {gate!r} needs cues.{signal}"
                        )


def _adjustments(
    common: Mapping[str, Any], path: Path, languages: Mapping[str, LanguageLexicon]
) -> tuple[Adjustment, ...]:
    provided = {
        signal
        for lexicon in languages.values()
        for rule in lexicon.rules
        for signal in rule.signals
    }
    result = []
    seen: set[str] = set()
    for index, spec in enumerate(_need(common, "adjustments", list, str(path))):
        if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
            raise LexiconError(f"{path}: adjustments[{index}] needs an id")
        where = f"{path}: adjustment {spec['id']}"
        if spec["id"] in seen:
            raise LexiconError(f"{where}: duplicate id")
        seen.add(spec["id"])
        target = spec.get("applies_to")
        if not isinstance(target, dict) or not target:
            raise LexiconError(
                f"{where}: applies_to must name categories/rules/signals"
            )
        categories = frozenset(_optional_strings(target.get("categories"), where))
        if not categories <= set(CATEGORIES):
            raise LexiconError(f"{where}: unknown category in {sorted(categories)}")
        with_signals = frozenset(_optional_strings(target.get("signals"), where))
        requires = frozenset(_strings(spec.get("requires"), f"{where}: requires"))
        for signal in (with_signals | requires) - provided:
            raise LexiconError(f"{where}: no rule or cue provides {signal!r}")
        category = spec.get("category")
        if category is not None and category not in CATEGORIES:
            raise LexiconError(f"{where}: unknown category {category!r}")
        mode = spec.get("mode", "raise")
        scope = spec.get("scope", "message")
        if mode not in ADJUSTMENT_MODES or scope not in ADJUSTMENT_SCOPES:
            raise LexiconError(
                f"{where}: mode must be one of {ADJUSTMENT_MODES}, "
                f"scope one of {ADJUSTMENT_SCOPES}"
            )
        result.append(
            Adjustment(
                id=spec["id"],
                categories=categories,
                rule_prefixes=tuple(_optional_strings(target.get("rules"), where)),
                with_signals=with_signals,
                requires=requires,
                level=_level(spec.get("level"), where),
                category=category,
                mode=mode,
                scope=scope,
            )
        )
    return tuple(result)


def _fallback(common: Mapping[str, Any], path: Path) -> tuple[FallbackKeyword, ...]:
    entries = _need(common, "fallback", list, str(path))
    result = []
    for index, entry in enumerate(entries):
        where = f"{path}: fallback[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise LexiconError(f"{where}: needs text, category and level")
        if entry.get("category") not in CATEGORIES:
            raise LexiconError(f"{where}: unknown category {entry.get('category')!r}")
        result.append(
            FallbackKeyword(
                text=entry["text"].lower(),
                category=entry["category"],
                level=_level(entry.get("level"), where),
            )
        )
    return tuple(result)
