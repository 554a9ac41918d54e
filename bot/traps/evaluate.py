"""Score the thinking-trap detector: ``python -m bot.traps.evaluate``.

By default the detector (trained on ``bot/traps/data``) is scored on the
held-out test split ``eval/traps/test.jsonl``; the targets apply there.
``--fresh`` also scores the fresh voice sets in ``eval/traps/fresh`` (written
by separate sessions, never trained or tuned on) and ``--voices`` scores each
training voice with a detector fitted without it (leave one voice out). With
``--cross-validate N`` the detector is instead scored by N-fold
cross-validation on the training data alone. Model settings may be tuned only
on ``--voices`` and ``--cross-validate``.

Exit status 1 when a target is missed on the test split (see ``TARGETS``),
else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import KFold

from bot.traps.catalog import TRAP_NAMES
from bot.traps.detector import TrapDetector
from bot.traps.examples import (
    FRESH_DIR,
    TEST_SPLIT,
    Example,
    read_examples,
    read_training_examples,
    read_voices,
    shared_training_files,
)

# metric -> (threshold, "min" if the metric must reach it, "max" if stay below)
TARGETS = {
    "top1_precision": (0.75, "min"),
    "macro_f1": (0.60, "min"),
    "neutral_fp_rate": (0.20, "max"),
}


@dataclass(frozen=True)
class Prediction:
    gold: tuple[str, ...]
    predicted: tuple[str, ...]  # best first


def score(predictions: Sequence[Prediction]) -> dict:
    """Micro/macro F1, top-1 precision, per-trap F1 and the neutral FP rate."""
    per_trap = {}
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for name in TRAP_NAMES:
        tp = sum(name in p.gold and name in p.predicted for p in predictions)
        fp = sum(name not in p.gold and name in p.predicted for p in predictions)
        fn = sum(name in p.gold and name not in p.predicted for p in predictions)
        per_trap[name] = {"f1": _f1(tp, fp, fn), "support": tp + fn}
        totals = {
            "tp": totals["tp"] + tp,
            "fp": totals["fp"] + fp,
            "fn": totals["fn"] + fn,
        }
    with_traps = [p for p in predictions if p.gold]
    answered = [p for p in with_traps if p.predicted]
    neutral = [p for p in predictions if not p.gold]
    gold_labels = sum(len(p.gold) for p in with_traps)
    return {
        "examples": len(predictions),
        "neutral_examples": len(neutral),
        "micro_f1": _f1(totals["tp"], totals["fp"], totals["fn"]),
        "macro_f1": sum(t["f1"] for t in per_trap.values()) / len(TRAP_NAMES),
        "top1_precision": _ratio(
            sum(p.predicted[0] in p.gold for p in answered), len(answered)
        ),
        "top1_over_all_with_traps": _ratio(
            sum(bool(p.predicted) and p.predicted[0] in p.gold for p in with_traps),
            len(with_traps),
        ),
        # Suggestions are at most three, so this is recall within the top 3.
        "recall_at_3": _ratio(
            sum(len(set(p.gold) & set(p.predicted[:3])) for p in with_traps),
            gold_labels,
        ),
        "empty_rate": _ratio(sum(not p.predicted for p in with_traps), len(with_traps)),
        "neutral_fp_rate": _ratio(
            sum(bool(p.predicted) for p in neutral), len(neutral)
        ),
        "per_trap": per_trap,
    }


def evaluate_split(
    detector: TrapDetector, examples: Sequence[Example], top_k: int = 3
) -> dict:
    """Score ``detector`` on ``examples``."""
    return score(_predictions(detector, examples, top_k))


def _predictions(
    detector: TrapDetector, examples: Sequence[Example], top_k: int
) -> list[Prediction]:
    return [
        Prediction(e.traps, tuple(s.name for s in detector.detect(e.thought, top_k)))
        for e in examples
    ]


def leave_one_voice_out(top_k: int = 3) -> dict[str, dict]:
    """Each training voice scored by a detector fitted on everything else."""
    voices = read_voices()
    shared = [e for path in shared_training_files() for e in read_examples(path)]
    reports: dict[str, dict] = {}
    pooled: list[Prediction] = []
    for voice, examples in voices.items():
        others = [e for name, rest in voices.items() if name != voice for e in rest]
        predictions = _predictions(TrapDetector.train(shared + others), examples, top_k)
        reports[voice] = score(predictions)
        pooled += predictions
    reports["all"] = score(pooled)
    return reports


def evaluate_fresh(
    detector: TrapDetector, folder: Path = FRESH_DIR, top_k: int = 3
) -> dict[str, dict]:
    """The fresh voice sets, one report each and pooled."""
    reports: dict[str, dict] = {}
    pooled: list[Prediction] = []
    for path in sorted(folder.glob("*.jsonl")):
        predictions = _predictions(detector, read_examples(path), top_k)
        reports[path.stem] = score(predictions)
        pooled += predictions
    if pooled:
        reports["all"] = score(pooled)
    return reports


_TABLE_COLUMNS = (
    ("top1_over_all_with_traps", "top-1"),
    ("macro_f1", "macro-F1"),
    ("recall_at_3", "recall@3"),
    ("empty_rate", "empty"),
    ("neutral_fp_rate", "neutral FP"),
)


def format_table(reports: dict[str, dict], title: str) -> str:
    """One line per voice set: the figures the issue tracks."""
    header = "".join(f"{label:>11}" for _, label in _TABLE_COLUMNS)
    lines = [title, f"  {'set':<22}{'n':>5}{header}"]
    for name, report in reports.items():
        cells = "".join(f"{report[key]:>11.3f}" for key, _ in _TABLE_COLUMNS)
        lines.append(f"  {name:<22}{report['examples']:>5}{cells}")
    return "\n".join(lines)


def cross_validate(examples: Sequence[Example], folds: int = 5, top_k: int = 3) -> dict:
    """Score by ``folds``-fold cross-validation, retraining from scratch each fold."""
    predictions: list[Prediction | None] = [None] * len(examples)
    for train_rows, held_out in KFold(folds, shuffle=True, random_state=1).split(
        examples
    ):
        detector = TrapDetector.train([examples[i] for i in train_rows])
        for i in held_out:
            suggested = detector.detect(examples[i].thought, top_k)
            predictions[i] = Prediction(
                examples[i].traps, tuple(s.name for s in suggested)
            )
    return score([p for p in predictions if p is not None])


def missed_targets(report: dict) -> list[str]:
    """Human-readable descriptions of the targets the report misses."""
    missed = []
    for metric, (threshold, kind) in TARGETS.items():
        value = report[metric]
        if (kind == "min" and value < threshold) or (
            kind == "max" and value > threshold
        ):
            relation = ">=" if kind == "min" else "<="
            missed.append(f"{metric} {value:.3f} (target {relation} {threshold})")
    return missed


def format_report(report: dict, title: str) -> str:
    lines = [
        title,
        f"  examples            {report['examples']}"
        f" ({report['neutral_examples']} neutral)",
        f"  micro-F1            {report['micro_f1']:.3f}",
        f"  macro-F1            {report['macro_f1']:.3f}",
        f"  top-1 precision     {report['top1_precision']:.3f}"
        "  (thoughts with a gold trap and a suggestion)",
        f"  top-1 over all      {report['top1_over_all_with_traps']:.3f}"
        "  (all thoughts with a gold trap)",
        f"  recall@3            {report['recall_at_3']:.3f}",
        f"  empty rate          {report['empty_rate']:.3f}"
        "  (thoughts with a gold trap, no suggestion)",
        f"  neutral FP rate     {report['neutral_fp_rate']:.3f}",
        "  per-trap F1:",
    ]
    for name, values in report["per_trap"].items():
        lines.append(f"    {name:22s}{values['f1']:.3f}  (n={values['support']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.traps.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--top-k", type=int, default=3, help="suggestions per thought")
    parser.add_argument(
        "--cross-validate",
        type=int,
        metavar="FOLDS",
        help="score by cross-validation on the training data instead of the test split",
    )
    parser.add_argument(
        "--fresh",
        nargs="?",
        const=FRESH_DIR,
        type=Path,
        metavar="DIR",
        help=f"also score the fresh voice sets (default {FRESH_DIR.name}/)",
    )
    parser.add_argument(
        "--voices",
        action="store_true",
        help="also score each training voice left out of training",
    )
    args = parser.parse_args(argv)

    if args.cross_validate:
        folds = args.cross_validate
        title = f"thinking traps: {folds}-fold cross-validation on training data"
        report = cross_validate(
            read_training_examples(), args.cross_validate, args.top_k
        )
    else:
        title = f"thinking traps: held-out test split ({TEST_SPLIT.name})"
        report = evaluate_split(
            TrapDetector.load(), read_examples(TEST_SPLIT), args.top_k
        )
    missed = missed_targets(report)
    report["targets_missed"] = missed
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report, title))
        print(
            "  targets: " + ("all met" if not missed else "MISSED " + "; ".join(missed))
        )
    if args.fresh:
        fresh = evaluate_fresh(TrapDetector.load(), args.fresh, args.top_k)
        print(format_table(fresh, f"fresh voice sets ({args.fresh.name}/)"))
    if args.voices:
        lovo = leave_one_voice_out(args.top_k)
        print(format_table(lovo, "leave one voice out (training voices)"))
    return 1 if missed else 0


def _f1(tp: int, fp: int, fn: int) -> float:
    return _ratio(2 * tp, 2 * tp + fp + fn)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


if __name__ == "__main__":
    sys.exit(main())
