"""Rasa's calls to the action server: retried when undelivered, never lost silently.

Rasa 3.6 logs a failed custom action ("the actions events are lost") and goes
on as if it had returned nothing: a form answer vanished and the patient was
not told. Here, in the Rasa process, a call that never reached the action
server (connection refused while it restarts, or the connection closed while
the request was being written) is sent again after 0.5, 1 and 2 seconds; those
calls did not run, so sending them again cannot run an action twice. Any
failure that remains is answered with ``utter_action_failed`` (the patient is
asked to send the message again) instead of silence.

The crisis reply never goes through here: it comes from Rasa's own rules and
the clinic responses, not from the action server.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from rasa.core.actions import action as rasa_actions
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import Event

FAILED_RESPONSE = "utter_action_failed"
RETRY_DELAYS = (0.5, 1.0, 2.0)

logger = logging.getLogger(__name__)
_original_run = RemoteAction.run


def never_delivered(error: BaseException) -> bool:
    """True when the call cannot have reached the action server."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, aiohttp.ClientConnectorError):
            return True  # nothing listening: connection refused
        if isinstance(current, ConnectionResetError) and "closing transport" in str(
            current
        ):
            return True  # closed while the request was being written
        current = current.__cause__ or current.__context__
    return False


async def run_with_retry(
    self: RemoteAction,
    output_channel: Any,
    nlg: Any,
    tracker: Any,
    domain: Any,
) -> list[Event]:
    """``RemoteAction.run``, retried when undelivered, reported when it fails."""
    for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
        try:
            return await _original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form rejecting its input: Rasa's own handling
        except Exception as error:  # noqa: BLE001 - every failure is answered
            if delay is not None and never_delivered(error):
                logger.warning(
                    "action %s not delivered (attempt %d), sending again",
                    self.name(),
                    attempt,
                )
                await asyncio.sleep(delay)
                continue
            logger.error(
                "action %s failed (%s); the patient is asked to resend",
                self.name(),
                type(error).__name__,
            )
            return await _failure_reply(output_channel, nlg, tracker)
    return []  # not reached: the last attempt returns or answers


async def _failure_reply(output_channel: Any, nlg: Any, tracker: Any) -> list[Event]:
    response = await nlg.generate(FAILED_RESPONSE, tracker, output_channel.name())
    if response is None:
        return []
    return [rasa_actions.create_bot_utterance(response)]


def install() -> None:
    """Route every remote action call through :func:`run_with_retry` (idempotent)."""
    if RemoteAction.run is not run_with_retry:
        RemoteAction.run = run_with_retry
