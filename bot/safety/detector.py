"""The crisis detector: text in, :class:`~bot.safety.verdict.Verdict` out.

Pipeline for one message:

1. :class:`~bot.safety.normalise.Normaliser` rewrites slang, misspellings,
   repeated letters and emoji, keeping a map to the original offsets.
2. The normalised text is analysed in English and in Spanish (blank spaCy
   pipelines with lookup lemmas from :mod:`bot.nlp`); rule and cue matches that a
   gate suppresses are dropped (:mod:`bot.safety.analysis`).
3. Rules whose ``requires`` signal is not nearby are dropped; a finding inside a
   longer finding is dropped (the longer one is more specific).
4. Adjustments from ``common.yml`` raise (or, for past attempts, set) levels when
   signals such as a timeline, means or distress occur near a finding, or in
   the previous messages (``context``) for conversation-scoped adjustments.
5. The highest finding decides level and category.
6. The semantic layer (:mod:`bot.safety.semantic`: the shared sentence
   encoder and heads fitted on labelled messages in many voices) reads what
   the message means together with what the lexicon saw in it
   (:mod:`bot.safety.lexical_features`), also where the lexicon saw nothing.
   Above its ``fire`` threshold it raises the verdict to its own level
   (imminent only where the message or its context states a time or means).
   In the band between ``ask`` and ``fire`` it raises a ``none`` verdict to
   ``low`` with category ``unclear``: the bot then asks one direct question.
   It never acts when the lexicon found an explicit denial ("I'm not
   suicidal") and no risk, and it never lowers the lexicon's verdict.

``scan`` never raises: if analysis fails the keyword fallback in ``common.yml``
decides, and the failure is logged without the message text.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

import numpy as np

from bot.nlp import get_nlp
from bot.safety.analysis import DocAnalysis, Hit, LanguageMatcher, outermost
from bot.safety.lexical_features import lexical_features
from bot.safety.lexicon import Adjustment, Lexicon, load_lexicon
from bot.safety.normalise import NormalisedText, Normaliser, strip_accents
from bot.safety.semantic import SemanticRisk
from bot.safety.verdict import (
    ASK_CATEGORY,
    CATEGORY_PRIORITY,
    Evidence,
    Level,
    Verdict,
)
from bot.safety.version import DETECTOR_VERSION

logger = logging.getLogger(__name__)

MAX_EVIDENCE = 8
CHUNK_CHARS = 8000  # long texts are scanned in overlapping chunks: linear time
CHUNK_OVERLAP = 400
CONTEXT_MESSAGES = 5  # previous messages consulted for conversation signals
_CONTEXT_CACHE_SIZE = 512
_PRIORITY = {category: rank for rank, category in enumerate(CATEGORY_PRIORITY)}
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass
class Finding:
    """A risk hit after adjustments, with the evidence that adjusted it."""

    hit: Hit
    level: Level
    category: str
    support: list[tuple[str, Hit]]

    def rank(self) -> tuple[int, int, int]:
        return (int(self.level), -_PRIORITY[self.category], -self.hit.char_start)


# Signals that let the semantic layer say "imminent": a stated time or means.
_IMMINENT_SIGNALS = frozenset({"timeline", "now", "means"})


class SignalIndex:
    """Matches sorted by position, to find those near a span in O(log n + k)."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = sorted(hits, key=lambda h: h.char_start)
        self._starts = [h.char_start for h in self.hits]
        self._longest = max((h.char_end - h.char_start for h in self.hits), default=0)

    def near(self, hit: Hit, window: int) -> list[Hit]:
        """Matches that start within reach of ``window`` characters around ``hit``."""
        low = bisect_left(self._starts, hit.char_start - window - self._longest)
        high = bisect_right(self._starts, hit.char_end + window)
        return self.hits[low:high]


@dataclass
class Analysis:
    """Everything found in one normalised text."""

    normalised: NormalisedText
    risks: list[Hit]
    signals: SignalIndex
    denials: list[Hit]
    gated: list[Hit]


class CrisisDetector:
    """Rule-based crisis detector; build once, scan many times (thread-safe).

    Args:
        lexicon: a loaded lexicon; defaults to the packaged one.
        semantic: use the semantic layer (the shared encoder, loaded once
            per process), or this one (cross-validation folds).
    """

    def __init__(
        self, lexicon: Lexicon | None = None, semantic: bool | SemanticRisk = True
    ) -> None:
        self.lexicon = lexicon or load_lexicon()
        self.version = DETECTOR_VERSION
        replacements: dict[str, str] = {}
        emoji: dict[str, str] = {}
        words: set[str] = set()
        tables = []
        self._matchers: dict[str, LanguageMatcher] = {}
        for lang, language in self.lexicon.languages.items():
            replacements.update(language.replacements)
            emoji.update(language.emoji)
            nlp = get_nlp(lang)
            table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
            tables.append(table)
            words.update(language.words)
            self._matchers[lang] = LanguageMatcher(nlp, language)

        # Lemma tables map inflected forms to base forms; base forms the tables
        # lack ("so", "feel") fall back to collapsing runs to one letter.
        def is_known(word: str) -> bool:
            return word in words or any(word in table for table in tables)

        self.normaliser = Normaliser(replacements, emoji, is_known)
        self.semantic: SemanticRisk | None = (
            semantic
            if isinstance(semantic, SemanticRisk)
            else SemanticRisk.load()
            if semantic
            else None
        )
        self._context_cache: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._lock = Lock()
        # Scans answered by the keyword fallback because analysis failed. Tests
        # and the evaluation require zero: the fallback must not hide bugs.
        self.failures = 0

    @classmethod
    def load(cls) -> CrisisDetector:
        """The shared detector built from the packaged lexicon (built once)."""
        return _shared_detector()

    # -- public API -----------------------------------------------------------

    def scan(
        self, text: str, context: Sequence[str] = (), *, asking: bool = True
    ) -> Verdict:
        """Assess one user message.

        Args:
            text: the message exactly as the user wrote it.
            context: previous user messages of the conversation, oldest first.
            asking: whether the semantic layer's uncertain band may ask its
                question. Inside the reflection patients are asked to write
                their negative thoughts down, so there only findings count.

        Returns:
            The verdict; never raises.
        """
        text = _as_text(text)
        try:
            with self._lock:  # spaCy docs and the caches are not shared safely
                return self._scan(text, context, asking)
        except Exception as exc:  # noqa: BLE001 - the detector must never raise
            self.failures += 1
            logger.error(
                "crisis scan failed (%s); keyword fallback used", type(exc).__name__
            )
            return self._fallback(text)

    # -- pipeline -------------------------------------------------------------

    def _scan(self, text: str, context: Sequence[str], asking: bool) -> Verdict:
        if len(text) <= CHUNK_CHARS + CHUNK_OVERLAP:
            return self._scan_chunk(text, 0, context, asking)
        verdicts = [
            self._scan_chunk(text[start:end], start, context, asking)
            for start, end in _chunks(text)
        ]
        best = max(verdicts, key=lambda v: v.level)
        evidence = list(best.evidence)
        for verdict in verdicts:
            evidence.extend(e for e in verdict.evidence if e not in evidence)
        return Verdict(
            level=best.level,
            category=best.category,
            evidence=tuple(evidence[:MAX_EVIDENCE]) if best.flagged else (),
            language=best.language,
            detector_version=self.version,
        )

    def _scan_chunk(
        self, text: str, offset: int, context: Sequence[str], asking: bool
    ) -> Verdict:
        analysis = self._analyse(text)
        verdict = self._lexicon_verdict(analysis, offset, context)
        return self._semantic_layer(analysis, offset, verdict, context, asking)

    def _semantic_layer(
        self,
        analysis: Analysis,
        offset: int,
        verdict: Verdict,
        context: Sequence[str],
        asking: bool = True,
    ) -> Verdict:
        """Raise the lexicon verdict where the meaning says more (see module doc)."""
        semantic = self.semantic
        if semantic is None or verdict.level >= Level.IMMINENT:
            return verdict
        if analysis.denials and not verdict.flagged:
            return verdict
        text = analysis.normalised.original
        finding = semantic.assess(
            text,
            list(context)[-CONTEXT_MESSAGES:],
            lexical_features(analysis, verdict),
        )
        if finding is None or finding.probability < semantic.ask:
            return verdict
        if finding.probability >= semantic.fire:
            level = finding.level
            if level == Level.IMMINENT and not self._states_time_or_means(
                analysis, context
            ):
                level = Level.HIGH
            rule = f"semantic.{level.label}"
            category = verdict.category or finding.category
        elif not verdict.flagged and asking and verdict.language == "en":
            # The encoder reads English best; in Spanish only a finding counts.
            level, rule, category = Level.LOW, "semantic.ask", ASK_CATEGORY
        else:
            return verdict
        if level <= verdict.level:
            return verdict
        evidence = Evidence(
            rule=rule,
            text=text[finding.start : finding.end],
            start=finding.start + offset,
            end=finding.end + offset,
            nearest=finding.neighbours,
        )
        return Verdict(
            level=level,
            category=category,
            evidence=(evidence, *verdict.evidence)[:MAX_EVIDENCE],
            language=verdict.language,
            detector_version=self.version,
        )

    def lexical_features(self, text: str, context: Sequence[str] = ()) -> np.ndarray:
        """What the lexicon alone sees in a short text: the semantic heads' input."""
        analysis = self._analyse(_as_text(text)[: CHUNK_CHARS + CHUNK_OVERLAP])
        verdict = self._lexicon_verdict(analysis, 0, context)
        return lexical_features(analysis, verdict)

    def _states_time_or_means(self, analysis: Analysis, context: Sequence[str]) -> bool:
        if any(_IMMINENT_SIGNALS & hit.signals for hit in analysis.signals.hits):
            return True
        return bool(context) and bool(
            _IMMINENT_SIGNALS & self._context_signals(context)
        )

    def _lexicon_verdict(
        self, analysis: Analysis, offset: int, context: Sequence[str]
    ) -> Verdict:
        text = analysis.normalised.original
        findings = self._adjust(analysis, context)
        if not findings:
            return Verdict(
                Level.NONE, None, (), self._guess_language(text), self.version
            )
        findings.sort(key=Finding.rank, reverse=True)
        top = findings[0]
        evidence = [self._evidence(analysis, top.hit.rule.id, top.hit, offset)]
        evidence += [
            self._evidence(analysis, adjustment_id, hit, offset)
            for adjustment_id, hit in top.support
        ]
        evidence += [
            self._evidence(analysis, f.hit.rule.id, f.hit, offset) for f in findings[1:]
        ]
        unique = list(dict.fromkeys(evidence))
        return Verdict(
            level=top.level,
            category=top.category,
            evidence=tuple(unique[:MAX_EVIDENCE]),
            language=top.hit.language,
            detector_version=self.version,
        )

    def _analyse(self, text: str) -> Analysis:
        normalised = self.normaliser.normalise(text)
        docs: list[DocAnalysis] = [
            matcher.analyse(normalised.text) for matcher in self._matchers.values()
        ]
        cues = [hit for doc in docs for hit in doc.cues]
        denials = [hit for doc in docs for hit in doc.denials]
        gated = [hit for doc in docs for hit in doc.gated]
        candidates = [hit for doc in docs for hit in doc.risks]
        window = self.lexicon.window_chars
        everything = SignalIndex(cues + candidates)
        valid = [
            hit
            for hit in candidates
            if not hit.rule.requires
            or _nearest(hit, everything, hit.rule.requires, hit.rule.near or window)
            is not None
        ]
        # Contained findings are not reported but still count as signals.
        return Analysis(
            normalised, outermost(valid), SignalIndex(cues + valid), denials, gated
        )

    def _adjust(self, analysis: Analysis, context: Sequence[str]) -> list[Finding]:
        findings = []
        context_signals: frozenset[str] | None = None
        window = self.lexicon.window_chars
        for hit in analysis.risks:
            rule = hit.rule
            category = rule.category or ""
            raised: list[tuple[Adjustment, Hit | None]] = []
            for adjustment in self.lexicon.adjustments:
                if not adjustment.applies_to(rule):
                    continue
                support = _nearest(hit, analysis.signals, adjustment.requires, window)
                if support is None and adjustment.scope == "conversation" and context:
                    if context_signals is None:
                        context_signals = self._context_signals(context)
                    if adjustment.requires & context_signals:
                        raised.append((adjustment, None))
                        continue
                if support is not None:
                    raised.append((adjustment, support))
            findings.append(_apply(hit, rule.level, category, raised))
        return findings

    def _context_signals(self, context: Sequence[str]) -> frozenset[str]:
        """Signals found in the last few context messages (cached per message)."""
        signals: set[str] = set()
        for message in list(context)[-CONTEXT_MESSAGES:]:
            message = _as_text(message)[: CHUNK_CHARS + CHUNK_OVERLAP]
            cached = self._context_cache.get(message)
            if cached is None:
                analysis = self._analyse(message)
                cached = frozenset(
                    s for hit in analysis.signals.hits for s in hit.signals
                )
                self._context_cache[message] = cached
                if len(self._context_cache) > _CONTEXT_CACHE_SIZE:
                    self._context_cache.popitem(last=False)
            signals |= cached
        return frozenset(signals)

    # -- output ---------------------------------------------------------------

    @staticmethod
    def _evidence(analysis: Analysis, rule_id: str, hit: Hit, offset: int) -> Evidence:
        start, end = analysis.normalised.to_original(hit.char_start, hit.char_end)
        return Evidence(
            rule=rule_id,
            text=analysis.normalised.original[start:end],
            start=start + offset,
            end=end + offset,
        )

    def _guess_language(self, text: str) -> str:
        words = [strip_accents(w.lower()) for w in _WORDS.findall(text[:2000])]
        stopwords = {
            lang: language.stopwords
            for lang, language in self.lexicon.languages.items()
        }
        spanish = sum(w in stopwords["es"] for w in words)
        english = sum(w in stopwords["en"] for w in words)
        return "es" if spanish > english else "en"

    def _fallback(self, text: str) -> Verdict:
        lowered = text.lower()
        best: Verdict | None = None
        for keyword in self.lexicon.fallback:
            start = lowered.find(keyword.text)
            if start < 0 or (best is not None and keyword.level <= best.level):
                continue
            end = start + len(keyword.text)
            best = Verdict(
                level=keyword.level,
                category=keyword.category,
                evidence=(Evidence("fallback.keyword", text[start:end], start, end),),
                language="en",
                detector_version=self.version,
            )
        return best or Verdict(Level.NONE, None, (), "en", self.version)


@lru_cache(maxsize=1)
def _shared_detector() -> CrisisDetector:
    return CrisisDetector()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _as_text(value: object) -> str:
    """Any input as text spaCy can encode; lone surrogates become U+FFFD.

    The replacement keeps the length, so evidence offsets stay valid.
    """
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).decode("utf-8", errors="replace")
    elif isinstance(value, str):
        text = value
    else:
        text = "" if value is None else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
    return text


def _chunks(text: str) -> Iterable[tuple[int, int]]:
    """Overlapping windows that end on whitespace where possible."""
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            space = text.rfind(" ", start + CHUNK_CHARS // 2, end)
            end = space if space > 0 else end
        yield start, min(len(text), end + CHUNK_OVERLAP)
        if end >= len(text):
            break
        start = end


def _nearest(
    hit: Hit, signals: SignalIndex, wanted: frozenset[str], window: int
) -> Hit | None:
    """The closest other match providing one of ``wanted`` within ``window``.

    A cue may overlap the finding ("overdose *on Saturday*"); another finding
    may not, so a rule never supports itself through a contained match.
    """
    best: Hit | None = None
    best_gap = window + 1
    for other in signals.near(hit, window):
        if other is hit or not wanted & other.signals:
            continue
        if not other.rule.is_cue and other.overlaps(hit):
            continue
        gap = hit.gap(other)
        if gap < best_gap:
            best, best_gap = other, gap
    return best


def _apply(
    hit: Hit,
    level: Level,
    category: str,
    raised: list[tuple[Adjustment, Hit | None]],
) -> Finding:
    """Combine a rule's own level with the adjustments that fired for it."""
    best_level = level
    best_category = category
    support: list[tuple[str, Hit]] = []
    if any(adjustment.mode == "set" for adjustment, _ in raised):
        best_level = Level.NONE  # a "set" adjustment replaces the rule's own level
    for adjustment, source in sorted(raised, key=lambda item: item[0].level):
        if adjustment.level >= best_level:
            best_level = adjustment.level
            best_category = adjustment.category or category
        if source is not None:
            support.append((adjustment.id, source))
    if best_level == Level.NONE:
        best_level = level
    return Finding(hit, best_level, best_category, support)
