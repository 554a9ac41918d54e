"""Earlier messages of a conversation, read on the server, for the crisis check.

The crisis detector sees one message at a time; with the patient's last few
messages as context it also flags method-seeking that follows distress in an
earlier turn. Channels attach them to the message metadata under
``RECENT_MESSAGES_KEY``; they come from the tracker store, never the client.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.events import UserUttered

from bot.components.crisis_detector import MAX_CONTEXT_MESSAGES

logger = logging.getLogger(__name__)


async def recent_user_texts(agent: Any, conversation_id: str) -> list[str]:
    """The conversation's last user messages, oldest first; ``[]`` on any failure."""
    tracker_store = getattr(agent, "tracker_store", None)
    if tracker_store is None:
        return []
    try:
        tracker = await tracker_store.retrieve(conversation_id)
    except Exception:  # noqa: BLE001 - context is a bonus, never a blocker
        logger.warning("could not read recent messages for crisis context")
        return []
    if tracker is None:
        return []
    texts = [
        event.text
        for event in tracker.events
        if isinstance(event, UserUttered) and isinstance(event.text, str)
    ]
    return texts[-MAX_CONTEXT_MESSAGES:]
