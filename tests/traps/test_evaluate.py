import json

import pytest

from bot.traps import TRAP_NAMES
from bot.traps.evaluate import Prediction, missed_targets, score
from bot.traps.examples import (
    EXTRA_TRAINING,
    TEST_SPLIT,
    TRAIN_SPLIT,
    read_examples,
    read_training_examples,
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
    assert set(missed_targets(report)) == {
        "top1_precision 0.500 (target >= 0.75)",
        "macro_f1 0.056 (target >= 0.6)",
        "neutral_fp_rate 0.500 (target <= 0.2)",
    }


def test_eval_set_shape():
    test, train = read_examples(TEST_SPLIT), read_examples(TRAIN_SPLIT)
    everything = test + train
    assert len(everything) >= 320
    assert sum(not e.traps for e in everything) >= 0.1 * len(everything)
    assert sum(len(e.traps) > 1 for e in everything) >= 50
    assert len({e.id for e in everything}) == len(everything)


def test_test_split_is_held_out():
    held_out = {e.thought.casefold() for e in read_examples(TEST_SPLIT)}
    assert not held_out & {e.thought.casefold() for e in read_training_examples()}
    assert TEST_SPLIT not in (TRAIN_SPLIT, EXTRA_TRAINING)


def test_files_are_strict_json_lines():
    for path in (TEST_SPLIT, TRAIN_SPLIT, EXTRA_TRAINING):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert set(json.loads(line)) == {"id", "thought", "traps"}
