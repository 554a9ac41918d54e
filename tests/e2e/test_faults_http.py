"""The stack under faults: a forged action call, killed services, and the logs.

Each service runs under ``scripts/supervise.sh``, as under ``make run``. Killing
one must leave the others answering, and the supervisor must bring it back.
After all of it, no log holds a word the patients wrote.
"""

from __future__ import annotations

import os
import signal
import time

import requests

from bot.action_server import ACTION_TOKEN_HEADER

MARKER = "quokka"  # appears in what the patients write, never in any log
CRISIS = f"i want to kill myself tonight, {MARKER}"


def _texts(replies: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in replies)


def _kill(stack, name: str) -> int:  # noqa: ANN001
    pid = stack.service_pid(name)
    os.kill(pid, signal.SIGKILL)
    return pid


def _until(check, seconds: float):  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
        except (requests.RequestException, ValueError, FileNotFoundError):
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds:.0f}s")


def test_a_forged_action_call_is_refused(stack):  # noqa: ANN001
    call = {
        "next_action": "action_show_safety_plan",
        "sender_id": "e2e-faults-patient",
        "tracker": {"sender_id": "e2e-faults-patient", "events": [], "slots": {}},
        "domain": {},
    }
    url = f"http://127.0.0.1:{stack.actions_port}/webhook"
    assert requests.post(url, json=call, timeout=10).status_code == 401
    forged = {ACTION_TOKEN_HEADER: "not-the-secret"}
    assert requests.post(url, json=call, headers=forged, timeout=10).status_code == 401
    # Rasa itself still gets through: the reflection starts.
    assert "how long ago" in _texts(stack.send("e2e-faults-start", "let's start"))


def test_killed_action_server_is_restarted_and_crisis_replies_go_on(
    stack,
):  # noqa: ANN001
    killed = _kill(stack, "actions")
    # While it is down (or restarting), the crisis reply still comes from Rasa.
    assert "988" in _texts(stack.send("e2e-faults-a", CRISIS))
    health = f"http://127.0.0.1:{stack.actions_port}/health"
    _until(lambda: requests.get(health, timeout=2).ok, 120)
    assert stack.service_pid("actions") != killed
    assert "how long ago" in _texts(stack.send("e2e-faults-b", "let's start"))
    assert "restarting" in stack.log_text("actions")


def test_killed_worker_is_restarted_and_escalations_continue(stack):  # noqa: ANN001
    killed = _kill(stack, "worker")
    assert "988" in _texts(stack.send("e2e-faults-c", CRISIS))
    _until(lambda: stack.service_pid("worker") != killed, 30)
    escalated = _until(
        lambda: {
            e["conversation_id"]
            for e in stack.escalations()
            if e["conversation_id"] in {"e2e-faults-a", "e2e-faults-c"}
        }
        == {"e2e-faults-a", "e2e-faults-c"},
        90,
    )
    assert escalated


def test_killed_rasa_is_restarted_and_keeps_the_conversation(stack):  # noqa: ANN001
    stack.send("e2e-faults-d", "let's start")
    killed = _kill(stack, "rasa")
    root = f"http://127.0.0.1:{stack.rasa_port}/"
    _until(lambda: stack.service_pid("rasa") != killed, 30)
    _until(lambda: requests.get(root, timeout=2).ok, 300)
    # The conversation is in the tracker store: the form picks up where it was.
    assert "Step 1 of 8" in _texts(stack.send("e2e-faults-d", "yesterday"))


def test_no_log_holds_what_patients_wrote(stack):  # noqa: ANN001
    # Rasa's "Failed to parse arguments" warning quotes a malformed payload.
    stack.send("e2e-faults-e", '/greet{"name": "' + MARKER + '"} and more')
    logs = {name: stack.log_text(name) for name in ("rasa", "actions", "worker")}
    assert all(logs.values()), "every service wrote a log"
    leaking = [name for name, text in logs.items() if MARKER in text.lower()]
    assert not leaking, f"message text in the log of {leaking}"
