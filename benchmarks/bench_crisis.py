"""Benchmark the crisis detector, semantic layer included, on the evaluation messages.

Usage::

    python benchmarks/bench_crisis.py [--rounds 3] [--rasa]

Every message in eval/crisis/ is scanned with its context, with the encoder's
sentence cache emptied first, so each scan embeds its message and context as
a new message would (the worst case: in a live conversation the context was
embedded on earlier turns). Prints median, p95 and max milliseconds, one
message of about 100 KB, and the process's peak memory; with ``--rasa`` also
with the trained Rasa model loaded in the same process (``models/``), which
is what the Rasa server holds. Exits 1 above the budgets. A script, not a
timed test: timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.encoder import SentenceEncoder  # noqa: E402
from bot.safety import CrisisDetector  # noqa: E402

P95_BUDGET_MS = 15.0
LONG_BUDGET_MS = 2000.0
RSS_BUDGET_MIB = 1536.0


def load_messages() -> list[tuple[str, list[str]]]:
    messages = []
    for path in sorted((ROOT / "eval" / "crisis").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            messages.append((record["text"], record.get("context", [])))
    return messages


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rasa", action="store_true", help="also load the model")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    detector = CrisisDetector.load()
    build_s = time.perf_counter() - started
    encoder = SentenceEncoder.shared()
    messages = load_messages()
    for text, context in messages[:50]:  # warm spaCy and onnxruntime
        detector.scan(text, context)

    timings_ms = []
    for _ in range(args.rounds):
        for text, context in messages:
            encoder._cache.clear()  # every scan embeds as a new message would
            start = time.perf_counter()
            detector.scan(text, context)
            timings_ms.append((time.perf_counter() - start) * 1e3)
    timings_ms.sort()
    median = statistics.median(timings_ms)
    p95 = timings_ms[int(len(timings_ms) * 0.95) - 1]

    filler = "We talked about the garden, the weather and my week at work. " * 820
    long_text = filler + " I keep thinking about killing myself. " + filler
    encoder._cache.clear()
    start = time.perf_counter()
    long_verdict = detector.scan(long_text)
    long_ms = (time.perf_counter() - start) * 1e3

    print(f"detector {detector.version}; built in {build_s:.1f} s")
    print(
        f"{len(messages)} messages x {args.rounds} rounds: median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings_ms[-1]:.1f} ms per message "
        f"(budget p95 {P95_BUDGET_MS:.0f} ms)"
    )
    print(
        f"one {len(long_text) // 1000} KB message: {long_ms:.0f} ms, "
        f"level {long_verdict.level.label} (budget {LONG_BUDGET_MS:.0f} ms)"
    )
    print(f"peak memory, detector and encoder loaded: {_peak_rss_mib():.0f} MiB")
    failures = []
    if p95 > P95_BUDGET_MS:
        failures.append(f"p95 {p95:.1f} ms above {P95_BUDGET_MS:.0f} ms")
    if long_ms > LONG_BUDGET_MS:
        failures.append(f"100 KB message {long_ms:.0f} ms above {LONG_BUDGET_MS:.0f}")
    if args.rasa:
        from rasa.core.agent import Agent

        model = ROOT / "models" / "afterglow.tar.gz"
        Agent.load(str(model))
        rss = _peak_rss_mib()
        print(f"peak memory with the Rasa model loaded: {rss:.0f} MiB")
        if rss > RSS_BUDGET_MIB:
            failures.append(f"memory {rss:.0f} MiB above {RSS_BUDGET_MIB:.0f} MiB")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
