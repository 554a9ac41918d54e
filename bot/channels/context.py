"""What came before a message, read on the server from the tracker store.

Two things, from one read of the tracker:

- the patient's last few messages, for the crisis check (method-seeking after
  distress in an earlier turn), under ``RECENT_MESSAGES_KEY``;
- the dialogue state (active form, requested slot, the bot's last response),
  under ``DIALOGUE_STATE_KEY``, so that an answer is read against the question
  it answers (:mod:`bot.reflection.understanding`).

Both come from the tracker store, never from the client.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered

from bot.components.answer_interpreter import DIALOGUE_STATE_KEY
from bot.components.crisis_detector import MAX_CONTEXT_MESSAGES, RECENT_MESSAGES_KEY
from bot.reflection.understanding import DialogueState

logger = logging.getLogger(__name__)


async def conversation_context(agent: Any, conversation_id: str) -> dict[str, Any]:
    """Metadata to attach to the next message; ``{}`` on any failure."""
    tracker_store = getattr(agent, "tracker_store", None)
    if tracker_store is None:
        return {}
    try:
        tracker = await tracker_store.retrieve(conversation_id)
    except Exception:  # noqa: BLE001 - context is a bonus, never a blocker
        logger.warning("could not read the conversation context")
        return {}
    if tracker is None:
        return {}
    texts = [
        event.text
        for event in tracker.events
        if isinstance(event, UserUttered) and isinstance(event.text, str)
    ]
    last_action = next(
        (
            event.action_name
            for event in reversed(tracker.events)
            if isinstance(event, ActionExecuted)
            and event.action_name not in (None, ACTION_LISTEN_NAME)
        ),
        None,
    )
    requested = tracker.get_slot("requested_slot")
    state = DialogueState(
        active_loop=tracker.active_loop_name,
        requested_slot=requested if isinstance(requested, str) else None,
        last_utterance=last_action,
    )
    context: dict[str, Any] = {DIALOGUE_STATE_KEY: state.to_dict()}
    if texts:
        context[RECENT_MESSAGES_KEY] = texts[-MAX_CONTEXT_MESSAGES:]
    return context
