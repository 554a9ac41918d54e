"""Per-document matching: lemmas, sentence and clause structure, gates.

A :class:`DocAnalysis` wraps one spaCy ``Doc`` of the normalised text in one
language. It canonicalises lemmas (lexicon overrides, lower case, no accents),
runs the matcher and decides, for each match, whether a gate suppresses it:

* ``negation``: a negation cue shortly before the match, in the same clause,
  with only "scope-passing" words in between ("I have never *wanted to* hurt
  myself"), or a bare "none"/"no" answer right after it ("Suicidal thoughts: none").
  Negations inside a pattern ("I don't want to live") are part of the rule and
  cannot cancel it.
* ``third_party``: the nearest person mentioned before the match in the same
  sentence is someone else ("my friend says *she* wants to die").
* ``media`` / ``educational``: the sentence is about a film, book or song, or is
  a general question, and the speaker does not refer to themself.
* ``experiential``: the sentence describes the ketamine experience itself.
* ``resolved`` / ``laughter``: the sentence says it has passed, or is laughing.
* ``asked``: the sentence reports a question ("the nurse asked if…") and no
  affirmative answer.
* ``needs_speaker``: for broad safety-net rules, the speaker must appear in the
  sentence ("suicide keeps popping into my head").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.safety.lexicon import GATE_OVERRIDES, GATE_SIGNALS, LanguageLexicon, Rule
from bot.safety.patterns import canonical

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_WORDS = {
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "diez": 10,
    "veinte": 20,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "cien": 100,
}
# Hypertensive crisis thresholds (systolic, diastolic), mmHg.
_BP_CRISIS = (180, 120)
_POST_NEGATION_SEPARATORS = frozenset({":", "-", "?", "=", "—", "–", "..."})
_THIRD_PARTY_LOOKBACK = 12


@dataclass(eq=False)
class Hit:
    """A rule or cue match, with spans in tokens and in normalised characters."""

    rule: Rule
    language: str
    start: int
    end: int
    char_start: int
    char_end: int
    sentence: int
    signals: frozenset[str] = field(default_factory=frozenset)

    def gap(self, other: Hit) -> int:
        """Characters between the two spans (0 when they touch or overlap)."""
        return max(
            0, other.char_start - self.char_end, self.char_start - other.char_end
        )

    def overlaps(self, other: Hit) -> bool:
        return self.char_start < other.char_end and other.char_start < self.char_end


def outermost(hits: list[Hit]) -> list[Hit]:
    """Drop hits contained in a longer one (the longer rule is more specific).

    An exception therefore only suppresses risk it strictly extends; on an equal
    span the risk reading is kept.

    Sorted by start, longest (then highest level) first, a hit is contained
    exactly when an earlier hit reaches at least as far: one linear sweep.
    """
    ordered = sorted(
        hits,
        key=lambda h: (
            h.char_start,
            -h.char_end,
            h.rule.is_exception,  # on an equal span the risk reading wins
            -int(h.rule.level),
        ),
    )
    kept: list[Hit] = []
    reach = -1
    for hit in ordered:
        if hit.char_end > reach:
            kept.append(hit)
            reach = hit.char_end
    return kept


class LanguageMatcher:
    """The compiled matchers for one language, shared by all documents.

    spaCy's ``Matcher`` tries every pattern at every token, so its cost grows with
    the number of patterns. Each pattern is therefore filed under an *anchor*: its
    most selective required word. One small matcher is built per anchor, and a
    document only runs the matchers whose anchor words it contains. The result
    is the same as one big matcher, at a fraction of the cost.
    """

    def __init__(self, nlp, lexicon: LanguageLexicon) -> None:
        self.nlp = nlp
        self.lexicon = lexicon
        self.rules: dict[int, Rule] = {}
        common = (
            lexicon.stopwords
            | lexicon.negation.scope_pass
            | lexicon.negation.cues
            | lexicon.first_person
            | lexicon.third_person
            | lexicon.clause_breaks
        )
        groups: dict[tuple[str, frozenset[str]] | None, dict[str, list]] = {}
        # No pattern spans more tokens than this (the compiler uses no "+"/"*"
        # quantifiers), so a match containing an anchor lies within it either side.
        self.reach = max(
            (len(pattern) for rule in lexicon.rules for pattern in rule.patterns),
            default=1,
        )
        for rule in lexicon.rules:
            self.rules[nlp.vocab.strings.add(rule.id)] = rule
            for pattern in rule.patterns:
                anchor = _anchor(pattern, common)
                groups.setdefault(anchor, {}).setdefault(rule.id, []).append(pattern)
        self._always: list[Matcher] = []
        self._by_word: dict[str, dict[str, list[Matcher]]] = {"LEMMA": {}, "NORM": {}}
        for anchor, patterns_by_rule in groups.items():
            matcher = Matcher(nlp.vocab, validate=False)  # checked by the test suite
            for rule_id, patterns in patterns_by_rule.items():
                matcher.add(rule_id, patterns)
            if anchor is None:
                self._always.append(matcher)
                continue
            attr, words = anchor
            for word in words:
                self._by_word[attr].setdefault(word, []).append(matcher)
        self.matcher_count = len(groups)

    def analyse(self, text: str) -> DocAnalysis:
        return DocAnalysis(self, self.nlp(text))

    def matches(
        self, doc: Doc, lemmas: list[str], norms: list[str]
    ) -> list[tuple[int, int, int]]:
        """All (rule key, start, end) matches, running only the relevant matchers.

        Each selected matcher runs on windows of ``reach`` tokens around the
        occurrences of its anchor words, so long texts cost time in proportion
        to the anchors they contain, not to anchors times length.
        """
        by_lemma, by_norm = self._by_word["LEMMA"], self._by_word["NORM"]
        positions: dict[int, tuple[Matcher, list[int]]] = {}
        for index, (lemma, norm) in enumerate(zip(lemmas, norms, strict=True)):
            for matcher in (*by_lemma.get(lemma, ()), *by_norm.get(norm, ())):
                entry = positions.setdefault(id(matcher), (matcher, []))
                if not entry[1] or entry[1][-1] != index:
                    entry[1].append(index)
        found: set[tuple[int, int, int]] = set()
        length = len(doc)
        for matcher in self._always:
            found.update(matcher(doc))
        for matcher, anchors in positions.values():
            for start, end in _windows(anchors, self.reach, length):
                if start == 0 and end == length:
                    found.update(matcher(doc))
                else:
                    found.update(
                        (key, start + s, start + e)
                        for key, s, e in matcher(doc[start:end])
                    )
        return sorted(found, key=lambda m: (m[1], m[2]))


def _windows(anchors: list[int], reach: int, length: int) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` token windows of ``reach`` around each anchor."""
    windows: list[tuple[int, int]] = []
    for anchor in anchors:
        start, end = max(0, anchor - reach), min(length, anchor + reach + 1)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _anchor(
    pattern: list[dict], common: frozenset[str]
) -> tuple[str, frozenset[str]] | None:
    """The most selective required word constraint of ``pattern``, if any."""
    best: tuple[tuple[bool, int], str, frozenset[str]] | None = None
    for token in pattern:
        if token.get("OP") == "?":
            continue
        for attr in ("LEMMA", "NORM"):
            value = token.get(attr)
            if isinstance(value, str):
                words = frozenset({value})
            elif isinstance(value, dict) and set(value) == {"IN"}:
                words = frozenset(value["IN"])
            else:
                continue
            score = (bool(words & common), len(words))
            if best is None or score < best[0]:
                best = (score, attr, words)
    return None if best is None else (best[1], best[2])


class DocAnalysis:
    """Matches and gates for one document in one language."""

    def __init__(self, language_matcher: LanguageMatcher, doc: Doc) -> None:
        self.lexicon = language_matcher.lexicon
        self.language = self.lexicon.language
        self.doc = doc
        self.lemmas = self._canonicalise(doc)
        self.sentence, self.clause, self.boundary = self._structure(doc)
        speaker = [i for i in range(len(self.lemmas)) if self._is_speaker(i)]
        self.speaker_sentences = {self.sentence[i] for i in speaker}
        self.speaker_clauses = {self.clause[i] for i in speaker}
        raw = [
            self._hit(language_matcher.rules[key], start, end)
            for key, start, end in language_matcher.matches(
                doc, self.lemmas, self.norms
            )
        ]
        cues = [hit for hit in raw if hit.rule.is_cue]
        self.sentence_signals: dict[int, set[str]] = {}
        self.cues = [hit for hit in cues if not self._suppressed(hit)]
        for hit in self.cues:
            self.sentence_signals.setdefault(hit.sentence, set()).update(hit.signals)
        # The most specific (longest) reading decides before gates apply, so that
        # "suicidal thoughts: none" is judged as a whole, not as "suicidal".
        candidates = outermost(
            [hit for hit in raw if not hit.rule.is_cue and self._constraints_hold(hit)]
        )
        self.risks = [
            hit
            for hit in candidates
            if not hit.rule.is_exception and not self._suppressed(hit)
        ]
        # Risk readings the speaker explicitly denies ("I'm not suicidal") or says
        # are over: the semantic layer must not override these.
        self.denials = [
            hit
            for hit in candidates
            if not hit.rule.is_exception and hit not in self.risks and self._denied(hit)
        ]
        # Risk readings a gate or an exception set aside: someone else's, a film,
        # a question about the science, an idiom. The semantic layer may ask
        # about these but never decides a level over them.
        self.gated = [
            hit
            for hit in candidates
            if hit not in self.risks and hit not in self.denials
        ]

    # -- preparation ----------------------------------------------------------

    def _canonicalise(self, doc: Doc) -> list[str]:
        """Set lemma and norm of every token; collect per-token arrays on the way."""
        lemmatize = self.lexicon.lemmatize
        lemmas: list[str] = []
        self.norms: list[str] = []
        self.texts: list[str] = []
        self.punct: list[bool] = []
        self.char_starts: list[int] = []
        self.char_ends: list[int] = []
        for token in doc:
            text = token.text
            norm = canonical(text)
            spacy_lemma = token.lemma_
            lemma = lemmatize(text, spacy_lemma)
            if spacy_lemma != lemma:
                token.lemma_ = lemma
            if token.norm_ != norm:
                token.norm_ = norm
            lemmas.append(lemma)
            self.norms.append(norm)
            self.texts.append(text)
            self.punct.append(token.is_punct)
            self.char_starts.append(token.idx)
            self.char_ends.append(token.idx + len(text))
        return lemmas

    def _structure(self, doc: Doc) -> tuple[list[int], list[int], list[bool]]:
        sentence_breaks = self.lexicon.sentence_breaks
        clause_breaks = self.lexicon.clause_breaks
        sentences, clauses, boundary = [], [], []
        sentence = clause = 0
        for text, lemma, punct in zip(self.texts, self.lemmas, self.punct, strict=True):
            ends_sentence = text in sentence_breaks or "\n" in text
            is_boundary = (
                ends_sentence
                or lemma in clause_breaks
                or (punct and text not in ("'", "’"))
            )
            if is_boundary and not ends_sentence:
                clause += 1
            sentences.append(sentence)
            clauses.append(clause)
            boundary.append(is_boundary)
            if ends_sentence:
                sentence += 1
                clause += 1
        return sentences, clauses, boundary

    def _is_speaker(self, index: int) -> bool:
        """First person, or "my" not introducing someone else ("my friend")."""
        lemma = self.lemmas[index]
        if lemma in self.lexicon.first_person:
            return True
        if lemma in self.lexicon.possessives:
            following = self.lemmas[index + 1] if index + 1 < len(self.lemmas) else ""
            return following not in self.lexicon.third_person
        return False

    def _hit(self, rule: Rule, start: int, end: int) -> Hit:
        return Hit(
            rule=rule,
            language=self.language,
            start=start,
            end=end,
            char_start=self.char_starts[start],
            char_end=self.char_ends[end - 1],
            sentence=self.sentence[start],
            signals=rule.signals,
        )

    # -- constraints ----------------------------------------------------------

    def _constraints_hold(self, hit: Hit) -> bool:
        rule = hit.rule
        if rule.unless_next and hit.end < len(self.texts):
            if self.lemmas[hit.end] in rule.unless_next:
                return False
        if rule.min_number is None and not rule.blood_pressure:
            return True
        numbers = self._numbers(hit)
        if rule.blood_pressure:
            pairs = list(zip(numbers, numbers[1:], strict=False))  # adjacent pairs
            if not any(s >= _BP_CRISIS[0] or d >= _BP_CRISIS[1] for s, d in pairs):
                return False
        if rule.min_number is not None and not any(
            n >= rule.min_number for n in numbers
        ):
            return False
        return True

    def _numbers(self, hit: Hit) -> list[float]:
        numbers: list[float] = []
        for text in self.texts[hit.start : hit.end]:
            lower = text.lower()
            if lower in _NUMBER_WORDS:
                numbers.append(_NUMBER_WORDS[lower])
            numbers.extend(float(n) for n in _NUMBER.findall(text))
        return numbers

    # -- gates ----------------------------------------------------------------

    def _suppressed(self, hit: Hit) -> bool:
        gates = hit.rule.gates
        if "negation" in gates and (
            self._negated_before(hit) or self._denied_after(hit)
        ):
            return True
        if "third_party" in gates and self._about_someone_else(hit):
            return True
        signals = self.sentence_signals.get(hit.sentence, frozenset())
        if hit.rule.unless_near & signals:
            return True
        for gate in ("experiential", "resolved", "laughter", "asked"):
            if gate in gates and GATE_SIGNALS[gate] in signals:
                if GATE_OVERRIDES.get(gate) not in signals:
                    return True
        if "media" in gates and "media" in signals and not self._speaker_in_clause(hit):
            return True
        if (
            "educational" in gates
            and "educational" in signals
            and not self._speaker_in_sentence(hit)
        ):
            return True
        if "needs_speaker" in gates and not self._speaker_in_sentence(hit):
            return True
        return False

    def _denied(self, hit: Hit) -> bool:
        """The negation or resolved gate of ``hit``'s rule applies to it."""
        gates = hit.rule.gates
        if "negation" in gates and (
            self._negated_before(hit) or self._denied_after(hit)
        ):
            return True
        signals = self.sentence_signals.get(hit.sentence, frozenset())
        return "resolved" in gates and "resolved" in signals

    def _negated_before(self, hit: Hit) -> bool:
        negation = self.lexicon.negation
        index = hit.start - 1
        steps = 0
        while index >= 0 and steps <= negation.window:
            lemma = self.lemmas[index]
            if self.boundary[index]:
                return False
            if lemma in negation.cues:
                after = self.lemmas[index + 1] if index + 1 < len(self.lemmas) else ""
                return after not in negation.ignore_if_next
            if lemma not in negation.scope_pass:
                return False
            index -= 1
            steps += 1
        return False

    def _denied_after(self, hit: Hit) -> bool:
        index = hit.end
        skipped = 0
        while (
            index < len(self.texts) and self.texts[index] in _POST_NEGATION_SEPARATORS
        ):
            index += 1
            skipped += 1
        if skipped > 2 or index >= len(self.texts):
            return False
        if self.lemmas[index] not in self.lexicon.negation.post_cues:
            return False
        following = index + 1
        return following >= len(self.texts) or self.boundary[following]

    def _about_someone_else(self, hit: Hit) -> bool:
        """Whether the nearest person before the match is someone else.

        Possessives are skipped: in "someone in my group relapsed" the subject
        is "someone", and in "my friend wants to die" it is "friend".
        """
        first, third = self.lexicon.first_person, self.lexicon.third_person
        own = first | self.lexicon.possessives
        if any(lemma in own for lemma in self.lemmas[hit.start : hit.end]):
            return False
        index = hit.start - 1
        limit = max(-1, hit.start - 1 - _THIRD_PARTY_LOOKBACK)
        while index > limit and self.sentence[index] == hit.sentence:
            lemma = self.lemmas[index]
            if lemma in first:
                return False
            if lemma in third:
                return True
            index -= 1
        return False

    def _speaker_in_clause(self, hit: Hit) -> bool:
        return self.clause[hit.start] in self.speaker_clauses or any(
            self._is_speaker(i) for i in range(hit.start, hit.end)
        )

    def _speaker_in_sentence(self, hit: Hit) -> bool:
        return hit.sentence in self.speaker_sentences
