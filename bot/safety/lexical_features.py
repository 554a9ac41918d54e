"""What the lexicon saw in a message, as features for the semantic heads.

The semantic heads read the sentence embedding *together with* this vector, so
they learn how the lexicon's readings combine with meaning: a method word in a
distressed sentence, a risk phrase set aside as someone else's or a film, an
explicit denial, a question about the science. That replaces hand-written
joining rules ("with a benign signal, only ask") with weights fitted and
cross-validated on the voice sets.

The vector is binary: the lexicon's level (one-hot), its category, whether a
gate set a risk phrase aside, whether an explicit denial was found, and the
presence of each signal below anywhere in the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bot.safety.verdict import RULE_CATEGORIES, Level, Verdict

if TYPE_CHECKING:
    from bot.safety.detector import Analysis

# Signals of a reading the lexicon knows to be benign or past: media, a
# question about the science, the ketamine experience, a joke, something over
# or routine ("like I was supposed to", "years ago"). The heads weigh them;
# left one voice out, letting them veto the semantic layer (as 2026.12.1 did)
# cost 0.09 of urgent sensitivity and bought no specificity.
BENIGN_SIGNALS = frozenset(
    {
        "media", "educational", "ketamine", "laughter", "resolved", "recovered",
        "remote", "routine",
    }
)  # fmt: skip
# Cue signals of risk vocabulary.
RISK_CUES = frozenset(
    {
        "distress", "desire", "means", "method", "intent", "futility",
        "high_place", "threat", "bleeding", "persistence", "craving", "farewell",
        "timeline", "now",
    }
)  # fmt: skip
SIGNALS = tuple(sorted(BENIGN_SIGNALS | RISK_CUES))

FEATURE_NAMES = (
    *(f"level:{level.label}" for level in Level),
    *(f"category:{category}" for category in RULE_CATEGORIES),
    "gated",
    "denial",
    *(f"signal:{name}" for name in SIGNALS),
)
_LEVEL = 0
_CATEGORY = len(Level)
_GATED = _CATEGORY + len(RULE_CATEGORIES)
_DENIAL = _GATED + 1
_SIGNAL = _DENIAL + 1


def lexical_features(analysis: Analysis, verdict: Verdict) -> np.ndarray:
    """The binary feature vector of one analysed text and its lexicon verdict."""
    features = np.zeros(len(FEATURE_NAMES), dtype=np.float32)
    features[_LEVEL + int(verdict.level)] = 1.0
    if verdict.category in RULE_CATEGORIES:
        features[_CATEGORY + RULE_CATEGORIES.index(verdict.category)] = 1.0
    features[_GATED] = float(bool(analysis.gated))
    features[_DENIAL] = float(bool(analysis.denials))
    present = frozenset().union(*(hit.signals for hit in analysis.signals.hits))
    for index, name in enumerate(SIGNALS):
        features[_SIGNAL + index] = float(name in present)
    return features
