"""The evaluation script: figures, targets, output without message text."""

import json

import pytest

from bot.safety import Evidence, Level, Verdict
from bot.safety.evaluate import (
    Example,
    Outcome,
    SplitReport,
    failed_targets,
    format_report,
    main,
)


def outcome(gold, predicted, category="explicit_si", tags=()):
    gold_level, predicted_level = Level.parse(gold), Level.parse(predicted)
    example = Example(
        id="x",
        text="SECRET TEXT",
        level=gold_level,
        category=None if gold_level == Level.NONE else category,
        tags=tuple(tags),
    )
    verdict = Verdict(
        predicted_level,
        None if predicted_level == Level.NONE else category,
        (Evidence("r.x", "SECRET", 0, 6),) if predicted_level else (),
        "en",
        "test",
    )
    return Outcome(example, verdict)


def test_metrics():
    report = SplitReport(
        "dev",
        [
            outcome("imminent", "imminent"),
            outcome("high", "moderate"),  # urgent miss, one level: not under-triage
            outcome("moderate", "none"),  # missed and two levels low
            outcome("low", "low"),
            outcome("none", "none", tags=["idiom"]),
            outcome("none", "low", tags=["negation"]),
        ],
    )
    metrics = report.metrics()
    assert metrics["sensitivity"] == 0.75
    assert metrics["urgent_sensitivity"] == 0.5
    assert metrics["specificity"] == 0.5
    assert metrics["under_triage"] == 0.25
    assert metrics["confusion"]["moderate"]["none"] == 1
    assert metrics["per_category"]["explicit_si"]["recall"] == 0.75
    assert metrics["negatives_by_tag"]["negation"]["specificity"] == 0.0
    assert len(failed_targets(metrics)) == 4
    assert "SECRET" not in format_report(metrics)


def test_heldout_meets_targets(capsys):
    assert main(["--split", "heldout"]) == 0
    output = capsys.readouterr().out
    assert "heldout: all targets met" in output


def test_json_output_for_all_splits_has_no_text(capsys):
    assert main(["--split", "all", "--json"]) == 0
    output = capsys.readouterr().out
    data = json.loads(output)
    assert [s["split"] for s in data["splits"]] == [
        "dev",
        "heldout",
        "probe",
        "probe2",
        "probe3",
        "probe4",
        "probe5",
    ]
    assert data["heldout_failures"] == [] and data["detector_failures"] == 0
    assert "I want" not in output and "kill myself" not in output


def test_show_errors_goes_to_stderr(capsys):
    main(["--split", "dev", "--show-errors"])
    captured = capsys.readouterr()
    assert "errors in dev" in captured.err
    assert "errors in dev" not in captured.out


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "a", "text": "t", "level": "severe", "category": null}', "severe"),
        ('{"id": "a", "text": "t", "level": "low", "category": null}', "category"),
        ("not json", "dev.jsonl:1"),
    ],
)
def test_bad_data_exits_2(tmp_path, capsys, line, message):
    (tmp_path / "dev.jsonl").write_text(line + "\n", encoding="utf-8")
    assert main(["--split", "dev", "--data-dir", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_eval_sets_meet_the_required_composition():
    from bot.safety.evaluate import EVAL_DIR, load_split

    dev, heldout = load_split(EVAL_DIR / "dev.jsonl"), load_split(
        EVAL_DIR / "heldout.jsonl"
    )
    everything = dev + heldout
    assert len(everything) >= 450
    assert len({e.id for e in everything}) == len(everything)
    negatives = [e for e in everything if e.level == Level.NONE]
    assert len(negatives) / len(everything) >= 0.40
    assert 0.3 <= len(heldout) / len(everything) <= 0.45
    tags = {tag for e in negatives for tag in e.tags}
    assert {
        "idiom",
        "negation",
        "third_party",
        "media",
        "educational",
        "ketamine_experience",
        "neutral",
    } <= tags
    from bot.safety.verdict import RULE_CATEGORIES

    for split in (dev, heldout):
        assert {e.category for e in split if e.category} == set(RULE_CATEGORIES)
