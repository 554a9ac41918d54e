"""Checks `rasa data validate` does not: intents without examples, unused responses.

Exit status 1 with one line per problem.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Set by the CrisisDetector and AnswerInterpreter components, never learned
# from examples.
DETECTOR_INTENTS = {
    "crisis_imminent", "crisis_high", "crisis_moderate",
    "crisis_low", "medical_emergency", "medical_concern", "crisis_check",
    "confirm_pause", "confirm_request",
}  # fmt: skip


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def main() -> int:
    domain: dict = {"intents": [], "responses": {}, "forms": {}}
    for path in sorted((ROOT / "build" / "domain").glob("*.yml")):
        part = _load(path)
        domain["intents"] += part.get("intents", [])
        domain["responses"].update(part.get("responses", {}))
        domain["forms"].update(part.get("forms", {}))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}

    data_files = sorted((ROOT / "data").rglob("*.yml"))
    examples: set[str] = set()
    dialogue_text = ""
    for path in data_files:
        content = _load(path)
        for item in content.get("nlu", []):
            if "intent" in item:
                examples.add(item["intent"].split("/")[0])
        for key in ("rules", "stories"):
            if key in content:
                dialogue_text += yaml.safe_dump(content[key])
    # Actions, Rasa-side components that answer with a response themselves, and
    # the reflection's decisions, which name the responses its actions send.
    code_files = [
        *ROOT.joinpath("actions").rglob("*.py"),
        *ROOT.joinpath("bot", "components").rglob("*.py"),
        ROOT / "bot" / "reflection" / "turns.py",
    ]
    code_text = "".join(p.read_text(encoding="utf-8") for p in code_files)

    problems = [
        f"intent '{intent}' has no NLU examples"
        for intent in sorted(intents - examples - DETECTOR_INTENTS)
    ]
    form_slots = {
        slot for form in domain["forms"].values() for slot in form["required_slots"]
    }
    for response in sorted(domain["responses"]):
        if (
            response.startswith("utter_ask_")
            and response[len("utter_ask_") :] in form_slots
        ):
            continue  # asked by its form
        if "/" in response:
            continue  # retrieval response, picked by a ResponseSelector
        used = (
            re.search(rf"\b{response}\b", dialogue_text) or f'"{response}"' in code_text
        )
        if not used:
            problems.append(f"response '{response}' is never used")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"domain usage: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
