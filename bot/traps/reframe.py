"""Check a patient's reframe before the bot accepts it.

A good reframe is balanced and believable ("I made a mistake on the report,
and I've also done plenty of good work; one error doesn't make me a
failure"). Two common problems are caught:

* ``trap_markers``: the reframe still carries markers of the traps it is meant
  to answer ("always", "never", "should", "everyone thinks ...");
* ``bare_negation``: it only negates the thought ("I'm not a failure", "it
  won't go wrong"), which patients rarely believe.

Empty input gives ``reason="empty"``. The check never raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from bot.traps.catalog import TRAP_NAMES
from bot.traps.cues import LABELS, NEGATIVE_AFFECT, cue_texts, get_cue_matcher
from bot.traps.text import analyse, has_words

NEGATORS = frozenset({"not", "n't", "nt", "no", "never", "nobody", "nothing", "none"})
# Words that add a second side or a qualification to a statement.
BALANCE_WORDS = frozenset(
    "and but although though also yet while even because since sometimes some "
    "can could might may still instead rather means learn learning if when "
    "often partly part plenty".split()
)
SHORT_REFRAME_WORDS = 8  # a negation this short, with nothing added, is bare
_NEGATED_CONTENT = (
    frozenset(LABELS) | frozenset(NEGATIVE_AFFECT) | {"true", "go", "happen"}
)


@dataclass(frozen=True)
class ReframeCheck:
    """Verdict on a reframe.

    Attributes:
        ok: True when the reframe can be accepted.
        reason: ``None`` when ok, else ``"empty"``, ``"trap_markers"`` or
            ``"bare_negation"``.
        markers: the words behind the verdict, as the patient wrote them.
    """

    ok: bool
    reason: str | None
    markers: tuple[str, ...]


def check_reframe(
    reframe: str, original: str | None = None, traps: Sequence[str] = ()
) -> ReframeCheck:
    """Check ``reframe`` against the traps it should answer.

    Args:
        reframe: the patient's balanced thought.
        original: the thought being reframed, if known. It sharpens the
            bare-negation check and, when ``traps`` is empty, supplies the
            traps (those the detector suggests for it).
        traps: names of the traps the reframe answers; when neither these
            nor an original are given, markers of every trap count.
    """
    text, doc = analyse(reframe)
    if not text.strip() or not has_words(doc):
        return ReframeCheck(ok=False, reason="empty", markers=())

    markers = _trap_markers(doc, text, _target_traps(traps, original))
    if markers:
        return ReframeCheck(ok=False, reason="trap_markers", markers=markers)

    negations = _bare_negation(doc, text, original)
    if negations:
        return ReframeCheck(ok=False, reason="bare_negation", markers=negations)
    return ReframeCheck(ok=True, reason=None, markers=())


def _target_traps(traps: Sequence[str], original: str | None) -> frozenset[str]:
    if isinstance(traps, str):  # a single name passed by mistake
        traps = (traps,)
    chosen = frozenset(name for name in traps if name in TRAP_NAMES)
    if not chosen and isinstance(original, str) and original.strip():
        from bot.traps.detector import TrapDetector  # the model loads lazily

        chosen = frozenset(s.name for s in TrapDetector.load().detect(original))
    return chosen or frozenset(TRAP_NAMES)


def _trap_markers(doc: Doc, text: str, traps: frozenset[str]) -> tuple[str, ...]:
    return cue_texts(
        [
            cue
            for cue in get_cue_matcher().find(doc, text)
            if cue.marker and not cue.negated and traps.intersection(cue.traps)
        ]
    )


def _bare_negation(doc: Doc, text: str, original: str | None) -> tuple[str, ...]:
    """Negation words when the reframe only negates, else ()."""
    negations = [t for t in doc if t.lower_ in NEGATORS]
    if not negations:
        return ()
    content = {
        t.lemma_.lower()
        for t in doc
        if t.is_alpha and t.lower_ not in NEGATORS and t.lower_ not in STOP_WORDS
    }
    if isinstance(original, str) and original.strip():
        _, original_doc = analyse(original)
        content -= {t.lemma_.lower() for t in original_doc} | {
            t.lower_ for t in original_doc
        }
        bare = len(content) <= 1
    else:
        words = [t for t in doc if t.is_alpha]
        balanced = any(t.lower_ in BALANCE_WORDS for t in doc)
        bare = content <= _NEGATED_CONTENT or (
            len(words) <= SHORT_REFRAME_WORDS and not balanced
        )
    if not bare:
        return ()
    return tuple(dict.fromkeys(text[t.idx : t.idx + len(t)] for t in negations))
