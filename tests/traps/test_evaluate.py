import json

import pytest

from bot.traps import TRAP_NAMES
from bot.traps.evaluate import Prediction, missed_targets, score
from bot.traps.examples import (
    EVAL_DIR,
    FRESH_DIR,
    TEST_SPLIT,
    read_examples,
    read_training_examples,
    read_voices,
    training_files,
)


def test_metrics_on_a_small_hand_checked_set():
    report = score(
        [
            Prediction(("labeling",), ("labeling", "blaming")),
            Prediction(("blaming",), ("personalization",)),
            Prediction(("should_statements",), ()),
            Prediction((), ()),
            Prediction((), ("labeling",)),
        ]
    )
    assert report["top1_precision"] == pytest.approx(1 / 2)
    assert report["top1_over_all_with_traps"] == pytest.approx(1 / 3)
    assert report["neutral_fp_rate"] == pytest.approx(1 / 2)
    # tp 1 (labeling), fp 3 (blaming, personalization, labeling), fn 2
    assert report["micro_f1"] == pytest.approx(2 / (2 + 3 + 2))
    assert report["per_trap"]["labeling"]["f1"] == pytest.approx(2 / 3)
    assert report["macro_f1"] == pytest.approx((2 / 3) / len(TRAP_NAMES))
    # gold labels 3, one of them suggested; one of three trap thoughts got none
    assert report["recall_at_3"] == pytest.approx(1 / 3)
    assert report["empty_rate"] == pytest.approx(1 / 3)
    assert set(missed_targets(report)) == {
        "top1_precision 0.500 (target >= 0.75)",
        "macro_f1 0.056 (target >= 0.6)",
        "neutral_fp_rate 0.500 (target <= 0.2)",
    }


def test_data_shape():
    train = read_training_examples()
    everything = read_examples(TEST_SPLIT) + train
    assert len(everything) >= 1000
    assert sum(not e.traps for e in everything) >= 0.1 * len(everything)
    assert sum(len(e.traps) > 1 for e in everything) >= 50
    assert len({e.id for e in everything}) == len(everything)
    assert len(read_voices()) >= 6


def test_evaluation_sets_are_held_out_of_training():
    trained = {e.thought.casefold() for e in read_training_examples()}
    held_out = [TEST_SPLIT, *FRESH_DIR.glob("*.jsonl")]
    for path in held_out:
        assert not {e.thought.casefold() for e in read_examples(path)} & trained
    assert not any(EVAL_DIR in path.parents for path in training_files())


def test_files_are_strict_json_lines():
    for path in (TEST_SPLIT, *FRESH_DIR.glob("*.jsonl"), *training_files()):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert set(json.loads(line)) == {"id", "thought", "traps"}
