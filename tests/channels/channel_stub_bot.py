"""A small stand-in for the Rasa agent, served through the real patient channel.

It keeps conversations in Rasa's ``InMemoryTrackerStore`` (so ``/history``
reads real tracker events) and answers:

* ``echo ...``: one message whose ``custom.echo`` holds what the channel
  passed on (sender id, text, metadata), for the API tests;
* ``slow``: waits before answering (to overlap two requests);
* ``fail``: raises;
* ``POST /stub/ready {"ready": false}`` makes it act as if no model were loaded;
* anything else: the next step of a short scripted reflection, with "Step N
  of 8" texts and quick-reply buttons on the first question.

Run it as ``python tests/channels/channel_stub_bot.py --port P --db URL``
(``AFTERGLOW_SECRET_KEY`` in the environment).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.channels.channel import UserMessage, register  # noqa: E402
from rasa.core.tracker_store import InMemoryTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import BotUttered, UserUttered  # noqa: E402
from sanic import Sanic, response  # noqa: E402
from sanic.request import Request  # noqa: E402
from sanic.response import HTTPResponse  # noqa: E402

from bot.channels.patient import PatientInput  # noqa: E402
from bot.store import Database  # noqa: E402

MOOD_BUTTONS = [
    {"title": "Low (0-3)", "payload": '/inform{"mood_before": 2}'},
    {"title": "Okay (4-6)", "payload": '/inform{"mood_before": 5}'},
    {"title": "Good (7-10)", "payload": '/inform{"mood_before": 8}'},
]
HOURS_BUTTONS = [{"title": "A few hours ago", "payload": "echo 3 hours\x00"}]
SCRIPT = [
    (
        "Hello, I'm Afterglow. Step 1 of 8: how is your mood right now?",
        MOOD_BUTTONS,
    ),
    ("Thank you. Step 2 of 8: what stood out for you from the infusion?", []),
    (
        "That sounds important. Step 3 of 8: what thought keeps coming back "
        "since the session?",
        [],
    ),
    ("Thanks for staying with it. We can pause here whenever you like.", []),
]


class StubAgent:
    """What the channel and ``rasa.core.channels.channel.register`` need."""

    def __init__(self) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.domain = None  # no model: payload intents are not checked
        self.ready = True

    def is_ready(self) -> bool:
        return self.ready

    async def handle_message(self, message: UserMessage) -> None:
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, metadata=message.metadata))
        for text, buttons, custom in await self._replies(message, tracker):
            if custom:
                await message.output_channel.send_custom_json(message.sender_id, custom)
            elif buttons:
                await message.output_channel.send_text_with_buttons(
                    message.sender_id, text, buttons
                )
            else:
                await message.output_channel.send_text_message(message.sender_id, text)
            tracker.update(BotUttered(text, data={"buttons": buttons}))
        await self.tracker_store.save(tracker)

    async def _replies(self, message: UserMessage, tracker: Any) -> list:
        text = message.text or ""
        if text.startswith("echo"):
            echo = {
                "sender_id": message.sender_id,
                "text": text,
                "metadata": message.metadata,
                "input_channel": message.input_channel,
            }
            return [("", [], {"echo": echo})]
        if text == "offer":
            return [("When was your infusion?", HOURS_BUTTONS, None)]
        if text == "slow":
            await asyncio.sleep(1.5)
            return [("Sorry for the wait.", [], None)]
        if text == "fail":
            raise RuntimeError("stub failure")
        turns = sum(1 for event in tracker.events if isinstance(event, UserUttered))
        reply, buttons = SCRIPT[min(turns - 1, len(SCRIPT) - 1)]
        return [(reply, buttons, None)]


def build_app(database_url: str, start_payload: str | None = None) -> Sanic:
    """A Sanic app with the patient channel mounted where Rasa mounts it."""
    app = Sanic("afterglow_channel_stub")
    app.ctx.agent = StubAgent()
    database = Database(database_url)
    database.create_schema()
    channel = PatientInput(database=database, start_payload=start_payload)
    register([channel], app, route="/webhooks/")

    @app.post("/stub/ready")
    async def set_ready(request: Request) -> HTTPResponse:
        # Test-only switch: pretend the model is (not) loaded.
        app.ctx.agent.ready = bool(request.json["ready"])
        return response.json({"ready": app.ctx.agent.ready})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--start-payload")
    args = parser.parse_args()
    app = build_app(args.db, args.start_payload)
    app.run(host="127.0.0.1", port=args.port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
