"""Evaluate the crisis detector on the labelled sets in ``eval/crisis/``.

Usage::

    python -m bot.safety.evaluate                 # held-out split, fails below target
    python -m bot.safety.evaluate --split dev
    python -m bot.safety.evaluate --split all --json  # dev, heldout, probe..probe5
    python -m bot.safety.evaluate --split dev --show-errors   # developers only

Reported per split: sensitivity (positives flagged at any level), urgent
sensitivity (gold high/imminent flagged high/imminent), specificity (gold none
left none), under-triage (positives flagged two or more levels too low), exact
level agreement, per-category recall and category agreement, specificity per
hard-negative tag, and the level confusion matrix.

The aggregate report never contains message text; ``--show-errors`` prints the
misclassified messages for developers working on the lexicon.

Exit status: 0; 1 when the held-out split misses a target or any scan needed
the keyword fallback (an internal error); 2 on unreadable data.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.safety.detector import CrisisDetector
from bot.safety.verdict import CATEGORIES, Level, Verdict

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval" / "crisis"
SPLITS = ("dev", "heldout", "probe", "probe2", "probe3", "probe4", "probe5")
TARGETS = {
    "sensitivity": (">=", 0.97),
    "urgent_sensitivity": (">=", 0.97),
    "specificity": (">=", 0.95),
    "under_triage": ("<=", 0.01),
}
URGENT = (Level.HIGH, Level.IMMINENT)


class DataError(ValueError):
    """A labelled file is missing or malformed."""


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    level: Level
    category: str | None
    tags: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


@dataclass
class Outcome:
    example: Example
    verdict: Verdict


@dataclass
class SplitReport:
    split: str
    outcomes: list[Outcome] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        positives = [o for o in self.outcomes if o.example.level > Level.NONE]
        negatives = [o for o in self.outcomes if o.example.level == Level.NONE]
        urgent = [o for o in positives if o.example.level in URGENT]
        flagged = [o for o in positives if o.verdict.level > Level.NONE]
        under = [o for o in positives if o.example.level - o.verdict.level >= 2]
        confusion = {gold.label: {pred.label: 0 for pred in Level} for gold in Level}
        for o in self.outcomes:
            confusion[o.example.level.label][o.verdict.level.label] += 1
        per_category: dict[str, dict[str, Any]] = {}
        by_category: dict[str, list[Outcome]] = defaultdict(list)
        for o in positives:
            by_category[o.example.category or "?"].append(o)
        for category in CATEGORIES:
            items = by_category.get(category, [])
            per_category[category] = {
                "n": len(items),
                "recall": _ratio(sum(o.verdict.flagged for o in items), len(items)),
                "category_agreement": _ratio(
                    sum(o.verdict.category == category for o in items), len(items)
                ),
            }
        by_tag: dict[str, list[Outcome]] = defaultdict(list)
        for o in negatives:
            for tag in o.example.tags:
                by_tag[tag].append(o)
        return {
            "split": self.split,
            "n": len(self.outcomes),
            "positives": len(positives),
            "negatives": len(negatives),
            "sensitivity": _ratio(len(flagged), len(positives)),
            "urgent_sensitivity": _ratio(
                sum(o.verdict.level in URGENT for o in urgent), len(urgent)
            ),
            "specificity": _ratio(
                sum(not o.verdict.flagged for o in negatives), len(negatives)
            ),
            "under_triage": _ratio(len(under), len(positives)),
            "exact_level": _ratio(
                sum(o.verdict.level == o.example.level for o in self.outcomes),
                len(self.outcomes),
            ),
            "over_triage": _ratio(
                sum(o.verdict.level > o.example.level for o in positives),
                len(positives),
            ),
            "per_category": per_category,
            "negatives_by_tag": {
                tag: {
                    "n": len(items),
                    "specificity": _ratio(
                        sum(not o.verdict.flagged for o in items), len(items)
                    ),
                }
                for tag, items in sorted(by_tag.items())
            },
            "confusion": confusion,
        }

    def errors(self) -> list[Outcome]:
        """Outcomes whose level differs from the gold level."""
        return [o for o in self.outcomes if o.verdict.level != o.example.level]


def _ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def load_split(path: Path) -> list[Example]:
    """Read one JSON-lines file of labelled examples.

    Raises:
        DataError: with the file and line number of the first bad record.
    """
    examples = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            level = Level.parse(record["level"])
            category = record.get("category")
            if not isinstance(record["id"], str) or not isinstance(record["text"], str):
                raise ValueError("id and text must be strings")
            if (level == Level.NONE) != (category is None):
                raise ValueError("category must be null exactly when level is none")
            if category is not None and category not in CATEGORIES:
                raise ValueError(f"unknown category {category!r}")
            examples.append(
                Example(
                    id=record["id"],
                    text=record["text"],
                    level=level,
                    category=category,
                    tags=tuple(record.get("tags", ())),
                    context=tuple(record.get("context", ())),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}:{number}: {exc}") from exc
    return examples


def evaluate(
    split: str, detector: CrisisDetector, directory: Path = EVAL_DIR
) -> SplitReport:
    report = SplitReport(split)
    for example in load_split(directory / f"{split}.jsonl"):
        verdict = detector.scan(example.text, context=example.context)
        report.outcomes.append(Outcome(example, verdict))
    return report


def failed_targets(metrics: dict[str, Any]) -> list[str]:
    """Names of the targets ``metrics`` misses, with the figures."""
    failures = []
    for name, (direction, target) in TARGETS.items():
        value = metrics[name]
        ok = value is not None and (
            value >= target if direction == ">=" else value <= target
        )
        if not ok:
            failures.append(f"{name} {value} (target {direction} {target})")
    return failures


def format_report(metrics: dict[str, Any]) -> str:
    """Human-readable report without any message text."""
    lines = [
        f"== split: {metrics['split']} ({metrics['n']} messages: "
        f"{metrics['positives']} positive, {metrics['negatives']} none)",
    ]
    for name in (
        "sensitivity",
        "urgent_sensitivity",
        "specificity",
        "under_triage",
        "exact_level",
        "over_triage",
    ):
        target = TARGETS.get(name)
        suffix = f"   (target {target[0]} {target[1]})" if target else ""
        lines.append(f"  {name:<20} {_fmt(metrics[name])}{suffix}")
    lines.append("  per category           n   recall  category agreement")
    for category, row in metrics["per_category"].items():
        lines.append(
            f"    {category:<22} {row['n']:>3}   {_fmt(row['recall'])}   "
            f"{_fmt(row['category_agreement'])}"
        )
    lines.append("  hard negatives by tag  n   specificity")
    for tag, row in metrics["negatives_by_tag"].items():
        lines.append(f"    {tag:<22} {row['n']:>3}   {_fmt(row['specificity'])}")
    labels = [level.label for level in Level]
    lines.append("  confusion (rows gold, columns predicted)")
    lines.append("    " + " " * 10 + "".join(f"{label:>10}" for label in labels))
    for gold in labels:
        row = metrics["confusion"][gold]
        lines.append(f"    {gold:<10}" + "".join(f"{row[p]:>10}" for p in labels))
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "  n/a " if value is None else f"{value:.3f}"


def format_errors(report: SplitReport) -> str:
    """Misclassified messages, with their text: for lexicon developers only."""
    lines = [f"-- errors in {report.split} (gold -> predicted)"]
    for o in report.errors():
        rules = ",".join(e.rule for e in o.verdict.evidence[:3])
        lines.append(
            f"{o.example.id} {o.example.level.label}/{o.example.category} -> "
            f"{o.verdict.level.label}/{o.verdict.category} [{rules}] "
            f"{json.dumps(o.example.text, ensure_ascii=False)[:300]}"
        )
    return "\n".join(lines)


_VOICE_COLUMNS = ("sensitivity", "urgent_sensitivity", "specificity", "under_triage")


def evaluate_voices() -> list[dict[str, Any]]:
    """Leave one voice out: each voice set scored by heads fitted without it.

    Returns one row per voice plus ``all`` (pooled), each with the figures of
    the full detector (``with``) and of the lexicon alone (``without``). The
    thresholds are the ones chosen by the same cross-validation, so ``with``
    is slightly optimistic; the first runs on fresh sets are the honest check.
    """
    from bot.safety import semantic

    examples = semantic.load_examples()
    encoder = semantic._build_encoder()
    lexical = semantic.read_lexicon(examples)
    shipped = semantic.SemanticRisk.load()
    lexicon_only = CrisisDetector(semantic=False)
    pooled = {"with": SplitReport("all"), "without": SplitReport("all")}
    rows = []
    for voice, heads in semantic.fold_heads(examples, encoder, lexical).items():
        risky = [e for e in examples if e.voice != voice and e.level > Level.NONE]
        fold = semantic.SemanticRisk(
            heads,
            shipped.fire,
            shipped.ask,
            encoder.encode([e.text for e in risky]),
            [e.id for e in risky],
            [str(e.category) for e in risky],
            encoder,
        )
        row: dict[str, Any] = {"voice": voice}
        for name, detector in (
            ("with", CrisisDetector(lexicon_only.lexicon, semantic=fold)),
            ("without", lexicon_only),
        ):
            report = evaluate(voice, detector, semantic.VOICES_DIR)
            pooled[name].outcomes.extend(report.outcomes)
            row[name] = report.metrics()
        rows.append(row)
    rows.append({"voice": "all", **{k: r.metrics() for k, r in pooled.items()}})
    return rows


FRESH_DIR = EVAL_DIR / "fresh2"  # the newest sets; older ones became training voices


def evaluate_fresh(
    detector: CrisisDetector, folder: Path = FRESH_DIR
) -> list[dict[str, Any]]:
    """The fresh voice sets in ``folder``, never trained or tuned on."""
    lexicon_only = CrisisDetector(detector.lexicon, semantic=False)
    pooled = {"with": SplitReport("all"), "without": SplitReport("all")}
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        row: dict[str, Any] = {"voice": path.stem}
        for name, scanner in (("with", detector), ("without", lexicon_only)):
            report = evaluate(path.stem, scanner, folder)
            pooled[name].outcomes.extend(report.outcomes)
            row[name] = report.metrics()
        rows.append(row)
    rows.append({"voice": "all", **{k: r.metrics() for k, r in pooled.items()}})
    return rows


IN_FORM_DIR = EVAL_DIR.parent / "reflection" / "fresh5"


def evaluate_in_form(detector: CrisisDetector, folder: Path = IN_FORM_DIR) -> dict:
    """Reflection answers (no crisis content) flagged as a step's answer would be.

    Inside a step the detector never asks its question on a hunch, so only
    verdicts count. Requests and questions asked mid-form are included.
    """
    levels: dict[str, int] = {}
    total = 0
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            verdict = detector.scan(json.loads(line)["text"], [], asking=False)
            total += 1
            if verdict.level > Level.NONE:
                levels[verdict.level.label] = levels.get(verdict.level.label, 0) + 1
    flagged = sum(levels.values())
    return {"set": folder.name, "n": total, "flagged": flagged, "levels": levels}


def format_voices(
    rows: list[dict[str, Any]], title: str = "leave one voice out"
) -> str:
    header = "".join(f"{c[:11]:>13}" for c in _VOICE_COLUMNS)
    lines = [
        f"== {title}: full detector / lexicon only",
        f"  {'voice':<18}{'n':>5}{header}",
    ]
    for row in rows:
        cells = "".join(
            f"{_fmt(row['with'][c]):>6} /{_fmt(row['without'][c]):>6}"
            for c in _VOICE_COLUMNS
        )
        lines.append(f"  {row['voice']:<18}{row['with']['n']:>5}{cells}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.safety.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="heldout")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--show-errors",
        action="store_true",
        help="print misclassified messages (contains message text)",
    )
    parser.add_argument("--data-dir", type=Path, default=EVAL_DIR)
    parser.add_argument(
        "--fresh",
        nargs="?",
        const=FRESH_DIR,
        type=Path,
        metavar="DIR",
        help="also report the fresh voice sets in DIR (default: the newest)",
    )
    parser.add_argument(
        "--in-form",
        nargs="?",
        const=IN_FORM_DIR,
        type=Path,
        metavar="DIR",
        help="also report reflection answers in DIR flagged as risk (a fresh set)",
    )
    parser.add_argument(
        "--voices",
        action="store_true",
        help="also report leave-one-voice-out figures on bot/safety/data/voices",
    )
    args = parser.parse_args(argv)

    splits = SPLITS if args.split == "all" else (args.split,)
    detector = CrisisDetector.load()
    try:
        reports = [evaluate(split, detector, args.data_dir) for split in splits]
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = [report.metrics() for report in reports]
    failures = {
        m["split"]: failed_targets(m) for m in results if m["split"] == "heldout"
    }
    if detector.failures:
        # A scan answered by the keyword fallback means a detector bug.
        failures.setdefault("detector", []).append(
            f"{detector.failures} scans fell back to keywords (analysis error)"
        )
    if args.json:
        print(
            json.dumps(
                {
                    "detector_version": detector.version,
                    "targets": {
                        k: {"op": v[0], "value": v[1]} for k, v in TARGETS.items()
                    },
                    "splits": results,
                    "heldout_failures": failures.get("heldout", []),
                    "detector_failures": detector.failures,
                },
                indent=2,
            )
        )
    else:
        print(f"crisis detector {detector.version}")
        for metrics in results:
            print(format_report(metrics))
        for split, missed in failures.items():
            status = "FAIL: " + "; ".join(missed) if missed else "all targets met"
            print(f"{split}: {status}")
    if args.fresh:
        rows = evaluate_fresh(detector, args.fresh)
        if args.json:
            print(json.dumps({"fresh": rows}, indent=2))
        else:
            print(format_voices(rows, "fresh voice sets"))
    if args.in_form:
        result = evaluate_in_form(detector, args.in_form)
        if args.json:
            print(json.dumps({"in_form": result}, indent=2))
        else:
            print(
                f"== reflection answers flagged in a form ({result['set']}): "
                f"{result['flagged']}/{result['n']} {result['levels']}"
            )
    if args.voices:
        rows = evaluate_voices()
        if args.json:
            print(json.dumps({"leave_one_voice_out": rows}, indent=2))
        else:
            print(format_voices(rows))
    if args.show_errors:
        for report in reports:
            print(format_errors(report), file=sys.stderr)
    return 1 if any(failures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
