"""What a patient may send: typed text and button payloads.

Typed text:
  * control and invisible formatting characters are removed (tab and newline
    stay; emoji joiners stay), line ends become ``\\n``;
  * leading slashes are removed, because Rasa reads a message starting with
    ``/`` as an intent payload and would skip the NLU pipeline, crisis
    detection included;
  * empty text is rejected, and so is text over ``MAX_MESSAGE_CHARS``
    characters: cutting it silently would lose what the patient wrote, so
    the patient is asked to split it instead.

Button payloads arrive in a separate field. One starting with ``/`` must look
like ``/intent`` or ``/intent{"slot": value}`` with plain names and short
scalar values, and must be one the bot offered (:func:`offered_title`); any
other button payload is answer text and is cleaned like typed text. The title
shown for a press is the offered button's, never the client's.
Markup is neither stripped nor escaped here: text is stored as written and
every page renders it as text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection

MAX_MESSAGE_CHARS = 4000
MAX_PAYLOAD_CHARS = 500

_KEPT_CONTROLS = {"\n", "\t"}
# Zero-width (non-)joiners and emoji tag characters build visible emoji.
_KEPT_FORMAT = {"\u200c", "\u200d"} | {chr(c) for c in range(0xE0020, 0xE0080)}
# Unassigned (Cn) stays: emoji newer than Python's Unicode tables would be lost.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}
# Characters that render as nothing: joiners on their own and blank fillers.
_BLANK = _KEPT_FORMAT | {"\u3164", "\u2800", "\u115f", "\u1160", "\uffa0"}
_LEADING_SLASHES = re.compile(r"^[\s/]+")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_INTENT_PAYLOAD = re.compile(
    r"^/(?P<intent>[A-Za-z][A-Za-z0-9_]{0,63})(?P<entities>\{.*\})?$", re.DOTALL
)
_SAFE_VALUE = re.compile(r"^[\w .,'\-]{0,100}$")


class InputRejected(ValueError):
    """A message the channel will not pass on; ``code`` names the problem.

    Codes: ``bad_request``, ``empty``, ``too_long``, ``invalid_payload``.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _strip_invisible(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        char
        for char in text
        if char in _KEPT_CONTROLS
        or char in _KEPT_FORMAT
        or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )


def clean_text(raw: object, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """Typed text made safe to hand to Rasa.

    Raises:
        InputRejected: ``bad_request`` (not a string), ``empty``, ``too_long``.
    """
    if not isinstance(raw, str):
        raise InputRejected("bad_request")
    # Work on a bounded prefix only; anything this long is rejected anyway.
    if len(raw) > 4 * max_chars:
        raise InputRejected("too_long")
    text = _LEADING_SLASHES.sub("", _strip_invisible(raw)).strip()
    if not any(not char.isspace() and char not in _BLANK for char in text):
        raise InputRejected("empty")
    if len(text) > max_chars:
        raise InputRejected("too_long")
    return text


def offered_title(
    text: str,
    offered: Collection[dict[str, str]],
    start_payload: str | None = None,
) -> str | None:
    """The title to show for a button press, checked against what was offered.

    A press may carry only what a button the bot just showed carried: a crafted
    payload could otherwise set a form slot, or slip words past the crisis
    check (payloads skip the NLU pipeline) and into the transcript as a title.
    The title shown is the bot's own, never the one the client sent.

    Args:
        text: The cleaned payload (an intent payload starts with ``/``).
        offered: The buttons of the bot's messages since the patient last wrote.
        start_payload: The channel's conversation-start payload, always allowed.

    Returns:
        The offered button's title, or None when the press is plain text that
        no button offered (it is then shown and read as typed text).

    Raises:
        InputRejected: ``invalid_payload`` for an intent payload no button offered.
    """
    for button in offered:
        payload = button.get("payload", "")
        if payload == text or (
            not payload.startswith("/") and _clean_or_none(payload) == text
        ):
            return button.get("title") or None
    if text.startswith("/") and text != start_payload:
        raise InputRejected("invalid_payload")
    return None


def _clean_or_none(raw: str) -> str | None:
    try:
        return clean_text(raw)
    except InputRejected:
        return None


def _scalar_ok(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, (int, float)):
        return abs(value) < 1e9
    return isinstance(value, str) and bool(_SAFE_VALUE.match(value))


def validate_payload(raw: object, known_intents: Collection[str] | None = None) -> str:
    """A button payload, checked to be a plain intent with simple slot values.

    Args:
        raw: The ``payload`` field the client sent.
        known_intents: The domain's intents, when the model is loaded; a
            payload naming any other intent is refused.

    Raises:
        InputRejected: ``invalid_payload``.
    """
    if not isinstance(raw, str) or len(raw) > MAX_PAYLOAD_CHARS:
        raise InputRejected("invalid_payload")
    match = _INTENT_PAYLOAD.match(raw)
    if match is None:
        raise InputRejected("invalid_payload")
    if known_intents is not None and match["intent"] not in known_intents:
        raise InputRejected("invalid_payload")
    if match["entities"] is not None:
        try:
            entities = json.loads(match["entities"])
        except ValueError:
            raise InputRejected("invalid_payload") from None
        if (
            not isinstance(entities, dict)
            or len(entities) > 8
            or not all(
                _NAME.match(key) and _scalar_ok(v) for key, v in entities.items()
            )
        ):
            raise InputRejected("invalid_payload")
    return raw
