"""Evidence spans point into the ORIGINAL text; the verdict has the documented shape."""

import json
from pathlib import Path

import pytest

from bot.safety import DETECTOR_VERSION, Level

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval" / "crisis"


def assert_spans_match(text, verdict):
    for item in verdict.evidence:
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start : item.end] == item.text, item


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lowkey wanna KMSSSS rn", "wanna KMSSSS"),
        ("i want to diiiiiie", "want to diiiiiie"),
        ("  \t\n I want to die", "want to die"),
        ("ｉ ｗａｎｔ ｔｏ ｄｉｅ", "ｗａｎｔ ｔｏ ｄｉｅ"),
        ("ki\u200bll myself", "ki\u200bll myself"),
        ("İstanbul trip was fun but i want to die", "want to die"),
        ("🔥🔥🔥 I want to kill myself 🔥", "want to kill myself"),
        ("idw2live", "idw2live"),
        ("I’m going to kill myself", "I’m going to kill myself"),
        ("Me quiero matar", "Me quiero matar"),
    ],
)
def test_first_evidence_is_the_original_wording(detector, text, expected):
    verdict = detector.scan(text)
    assert verdict.level > Level.NONE
    assert_spans_match(text, verdict)
    assert verdict.evidence[0].text == expected


def test_adjustment_evidence_names_the_rule_and_the_cue(detector):
    text = "I'm going to kill myself tonight"
    verdict = detector.scan(text)
    rules = [item.rule for item in verdict.evidence]
    assert rules[0] == "explicit_si.intent"
    assert "escalate.intent_with_timeline" in rules
    assert_spans_match(text, verdict)


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_every_evidence_span_in_the_eval_sets_matches(detector, split):
    for line in (EVAL_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        verdict = detector.scan(record["text"], context=record.get("context", ()))
        assert_spans_match(record["text"], verdict)


def test_to_dict_has_the_documented_shape(detector):
    data = detector.scan("I took all my pills").to_dict()
    assert set(data) == {
        "level",
        "category",
        "evidence",
        "language",
        "detector_version",
    }
    assert data["level"] == "imminent"
    assert data["category"] == "plan_means"
    assert set(data["evidence"][0]) == {"rule", "text", "start", "end"}
    assert data["detector_version"] == DETECTOR_VERSION
    json.dumps(data)


def test_none_verdict_shape(detector):
    data = detector.scan("hello there").to_dict()
    assert data == {
        "level": "none",
        "category": None,
        "evidence": [],
        "language": "en",
        "detector_version": DETECTOR_VERSION,
    }
