"""Rasa's REST channel plus crisis context: the development and test channel.

Same URL and behaviour as the stock ``rest`` channel (it authenticates nobody,
so it stays on loopback and is off in production); it only adds the sender's
recent messages and the dialogue state, read from the tracker store.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.context import conversation_context


class RestWithContextInput(RestInput):
    """``/webhooks/rest/webhook`` with server-side crisis context."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self) -> None:
        super().__init__()
        self._app: Any = None

    async def attach_context(self, message: UserMessage) -> UserMessage:
        """Add the conversation context (from the tracker store) to ``message``."""
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        context = await conversation_context(agent, message.sender_id)
        if context:
            message.metadata = {**(message.metadata or {}), **context}
        return message

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        async def with_context(message: UserMessage) -> None:
            await on_new_message(await self.attach_context(message))

        blueprint = super().blueprint(with_context)

        @blueprint.middleware("request")
        async def reject_bad_bodies(request: Request) -> HTTPResponse | None:
            # Rasa's REST channel answers an empty body, a JSON array or a JSON
            # string with a 500; say clearly what is wrong instead.
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            if not _is_message_body(request.body):
                return response.json({"error": "bad_request"}, status=400)
            return None

        @blueprint.listener("before_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            # The agent lives on the app; the message handler gets no request.
            self._app = app

        return blueprint


def _is_message_body(raw: bytes) -> bool:
    """A JSON object whose ``sender`` and ``message``, when present, are text."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return False
    return (
        isinstance(body, dict)
        and isinstance(body.get("sender", ""), str)
        and isinstance(body.get("message", ""), str)
    )
