"""Score the reading of in-form answers on the voice corpus in ``eval/reflection``.

Each voice file was written by a separate session, in one voice, before the
interpreter was scored on it. Every answer is read against its own question
with DIET's intent set to each of the intents DIET has been seen to get wrong
on short answers, so the figures hold whatever DIET was trained into.

    python -m bot.reflection.evaluate            # per voice and overall
    python -m bot.reflection.evaluate --errors   # also list what was misread
    python -m bot.reflection.evaluate --fresh eval/reflection/fresh2  # a fresh set

Fresh sets (``eval/reflection/fresh*``) are written by separate sessions after
a change and committed before they are scored; they are reported, not held to
the targets, and their first runs are kept beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.reflection.answers import parse_hours_since_infusion, parse_rating
from bot.reflection.steps import RATING_SCALES, REFLECTION_FORM
from bot.reflection.understanding import (
    SAFE_NOW_QUESTION,
    DialogueState,
    interpret,
)

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "reflection" / "answers"
# DIET's intents that have swallowed real answers (pause, chitchat, faq, ...).
ADVERSARIAL_DIET = ("inform", "pause", "chitchat", "faq", "dont_know", "skip", "greet")
TARGETS = {"answers": 0.98, "controls": 0.97}
_CONTROL_INTENT = {
    "pause": "pause",
    "stop": "pause",
    "skip": "skip",
    "back": "go_back",
    "resume": "resume_reflection",
    "dont_know": "dont_know",
    "help": "get_help",
}
# The control reader's name for each request (:mod:`bot.reflection.control_meaning`).
_READER_NAME = {**{kind: kind for kind in _CONTROL_INTENT}, "stop": "pause"}
# A rating or duration step and a free-text step, where controls are tried.
_CONTROL_STEPS = ("mood_before", "evidence_for")


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


def load(corpus: Path = CORPUS) -> dict[str, list[dict]]:
    """Voice name -> its records."""
    return {
        path.stem: [json.loads(line) for line in path.open() if line.strip()]
        for path in sorted(corpus.glob("*.jsonl"))
    }


def _answer_ok(record: dict) -> tuple[bool, str]:
    slot, text = record["slot"], record["text"]
    state = DialogueState(REFLECTION_FORM, slot, f"utter_ask_{slot}")
    for diet in ADVERSARIAL_DIET:
        intent = interpret(text, state, diet).intent or diet
        if intent != "inform":
            return False, f"read as {intent} (DIET {diet})"
    expected = record.get("value")
    if expected is None:
        return True, ""
    if slot in RATING_SCALES:
        value = parse_rating(text, *RATING_SCALES[slot]).value
        ok = value is not None and abs(value - float(expected)) <= 1
        return ok, "" if ok else f"rating {value} (meant {expected})"
    if slot == "hours_since_infusion":
        hours = parse_hours_since_infusion(text)
        ok = hours is not None and abs(hours - float(expected)) <= max(
            6, 0.5 * float(expected)
        )
        return ok, "" if ok else f"hours {hours} (meant {expected})"
    return True, ""


def _control_results(record: dict) -> list[tuple[str, bool, str]]:
    """(kind, ok, why): "controls" acted on, "handled" acted on or asked about."""
    kind_name = record.get("control", "")
    wanted = _CONTROL_INTENT.get(kind_name)
    results = []
    states = [
        DialogueState(REFLECTION_FORM, slot, f"utter_ask_{slot}")
        for slot in _CONTROL_STEPS
    ]
    if wanted == "resume_reflection":  # asked of a paused reflection
        states = [DialogueState(last_utterance="utter_paused"), DialogueState()]
    for state in states:
        slot = state.requested_slot or "paused"
        reading = interpret(record["text"], state, "inform")
        intent = reading.intent or "inform"
        why = f"{slot}: read as {intent}"
        if record.get("ambiguous"):
            # Confirmed, or taken as the answer: never acted on unasked.
            ok = intent in ("confirm_pause", "confirm_request", "inform")
            results.append(("ambiguous", ok, "" if ok else why))
            continue
        asked = (intent == "confirm_pause" and wanted == "pause") or (
            intent == "confirm_request" and reading.request == _READER_NAME[kind_name]
        )
        results.append(("controls", intent == wanted, "" if intent == wanted else why))
        results.append(("handled", intent == wanted or asked, ""))
    return results


def _yes_no_ok(record: dict) -> tuple[bool, str]:
    text = record["text"]
    if record.get("question") == SAFE_NOW_QUESTION.removeprefix("utter_ask_"):
        intent = interpret(text, DialogueState(last_utterance=SAFE_NOW_QUESTION), None)
        wanted = "deny" if record.get("unsafe") else "affirm"
        return intent.intent == wanted, f"read as {intent.intent}"
    state = DialogueState(last_utterance="utter_offer_continue_or_stop")
    intent = interpret(text, state, None).intent
    wanted = {"yes": "resume_reflection", "no": "pause", "unsure": None}[
        record["value"]
    ]
    # Unsure is left to DIET and the rules; pausing is fine for it too.
    ok = intent == wanted or (wanted is None and intent in (None, "pause", "dont_know"))
    return ok, f"read as {intent}"


def evaluate(corpus: Path = CORPUS) -> dict[str, dict[str, Tally]]:
    """Per voice: answers, explicit controls acted on, and acted on or asked
    about ("handled"), ambiguous controls, yes/no."""
    report: dict[str, dict[str, Tally]] = {}
    errors: list[str] = []
    for voice, records in load(corpus).items():
        tallies: dict[str, Tally] = defaultdict(Tally)
        for record in records:
            slot = record.get("slot")
            if slot in ("question", "start"):
                continue  # answered by the FAQ rules; openings are read by DIET
            if slot == "control":
                for kind, ok, why in _control_results(record):
                    tallies[kind].add(ok)
                    if not ok and why:
                        errors.append(f"{record['id']}: {record['text']!r} {why}")
                continue
            if slot == "yes_no":
                ok, why = _yes_no_ok(record)
                tallies["yes_no"].add(ok)
            else:
                ok, why = _answer_ok(record)
                tallies["answers"].add(ok)
            if not ok:
                errors.append(f"{record['id']}: {record['text']!r} {why}")
        report[voice] = dict(tallies)
    evaluate.errors = errors  # type: ignore[attr-defined]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misreadings")
    parser.add_argument(
        "--fresh", type=Path, metavar="DIR", help="score a fresh set instead"
    )
    args = parser.parse_args(argv)
    report = evaluate(args.fresh or CORPUS)
    kinds = ("answers", "controls", "handled", "ambiguous", "yes_no")
    totals = {kind: Tally() for kind in kinds}
    print(f"{'voice':<18}" + "".join(f"{k:>16}" for k in kinds))
    for voice, tallies in report.items():
        row = f"{voice:<18}"
        for kind in kinds:
            tally = tallies.get(kind, Tally())
            totals[kind].right += tally.right
            totals[kind].total += tally.total
            row += f"{tally.rate:>10.3f} ({tally.total:>3})"
        print(row)
    print(
        f"{'all':<18}"
        + "".join(f"{totals[k].rate:>10.3f} ({totals[k].total:>3})" for k in kinds)
    )
    if args.errors:
        print("\n".join(evaluate.errors))  # type: ignore[attr-defined]
    if args.fresh:
        return 0
    failed = [k for k, target in TARGETS.items() if totals[k].rate < target]
    for kind in failed:
        print(
            f"FAIL: {kind} {totals[kind].rate:.3f} < {TARGETS[kind]}", file=sys.stderr
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
