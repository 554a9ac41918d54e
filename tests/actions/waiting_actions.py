"""A test action package: actions that wait for each other (see test_action_server)."""

from __future__ import annotations

import threading

from rasa_sdk import Action

# Two calls meet here only if the server runs them at the same time.
MEETING = threading.Barrier(2, timeout=20)


class ActionMeetAnother(Action):
    def name(self) -> str:
        return "action_meet_another"

    def run(self, dispatcher, tracker, domain) -> list:  # noqa: ANN001
        MEETING.wait()  # blocking, as a database call waiting on a lock is
        return []
