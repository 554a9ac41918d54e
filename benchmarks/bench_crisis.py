"""Benchmark the crisis detector on the evaluation messages (warm).

Usage::

    python benchmarks/bench_crisis.py [--rounds 3]

Prints median, p95 and max microseconds per message over every message in
eval/crisis/ (after a warm-up pass), plus a very long message for scale.
Exits 1 if the median exceeds 1 ms. A script, not a timed test: timings on a
shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.safety import CrisisDetector  # noqa: E402

MEDIAN_BUDGET_US = 1000.0


def load_messages() -> list[tuple[str, list[str]]]:
    messages = []
    for path in sorted((ROOT / "eval" / "crisis").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            messages.append((record["text"], record.get("context", [])))
    return messages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    detector = CrisisDetector.load()
    build_s = time.perf_counter() - started
    messages = load_messages()
    for text, context in messages:  # warm caches
        detector.scan(text, context)

    timings_us = []
    for _ in range(args.rounds):
        for text, context in messages:
            start = time.perf_counter()
            detector.scan(text, context)
            timings_us.append((time.perf_counter() - start) * 1e6)
    timings_us.sort()
    median = statistics.median(timings_us)
    p95 = timings_us[int(len(timings_us) * 0.95) - 1]

    filler = "We talked about the garden, the weather and my week at work. " * 1600
    long_text = filler + " I keep thinking about killing myself. " + filler
    start = time.perf_counter()
    detector.scan(long_text)
    long_ms = (time.perf_counter() - start) * 1e3

    print(f"detector {detector.version}; built in {build_s:.1f} s")
    print(
        f"{len(messages)} messages x {args.rounds} rounds: median {median:.0f} us, "
        f"p95 {p95:.0f} us, max {timings_us[-1]:.0f} us per message"
    )
    print(f"one {len(long_text) // 1000} KB message: {long_ms:.0f} ms")
    if median > MEDIAN_BUDGET_US:
        print(f"FAIL: median above {MEDIAN_BUDGET_US:.0f} us")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
