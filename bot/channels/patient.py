"""``PatientInput``: the authenticated Rasa input channel for patients.

Routes (under ``/webhooks/patient/``):

* ``GET join?token=...``: checks the invite link, starts a device session
  (HttpOnly, SameSite=Strict cookie) and answers a short page that moves on
  to the chat by itself (a same-site hop, see ``join``).
* ``GET /``: the chat page, or a notice page when the device is not signed in.
* ``POST webhook``: ``{"message": text}``, or for a button ``{"payload": ...,
  "title": ...}`` (an intent payload, or plain text such as ``"3 hours"``);
  answers ``{"messages": [...]}``.
* ``GET history``: the conversation so far, for reloads.
* ``POST logout``: revokes this device session.
* ``GET static/<file>``: the page's script and style sheet.

The Rasa conversation id is always the device session's
``Patient.conversation_id``; whatever sender the client sends is ignored.
Message text is health data and never goes into a log line.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import page
from bot.channels.context import read_conversation
from bot.channels.history import visible_messages
from bot.channels.invites import InviteError, verify_invite
from bot.channels.messages import (
    InputRejected,
    clean_text,
    offered_title,
    validate_payload,
)
from bot.channels.sessions import (
    DEFAULT_LIFETIME,
    PatientSession,
    resolve_device_session,
    revoke_device_session,
    start_device_session,
)
from bot.clinic_responses import resources_text
from bot.config import ClinicConfig, get_config
from bot.secrets import get_secret_key
from bot.store import Database, get_database

logger = logging.getLogger(__name__)

COOKIE_NAME = "afterglow_device"
COOKIE_PATH = "/webhooks/patient/"
MAX_BODY_BYTES = 64 * 1024
JSON_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Keys of a bot message the page uses; recipient_id and the rest stay server-side.
PUBLIC_MESSAGE_KEYS = ("text", "buttons", "custom")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _json(body: dict[str, Any], status: int = 200) -> HTTPResponse:
    return response.json(body, status=status, headers=JSON_HEADERS)


def _problem(status: int, code: str) -> HTTPResponse:
    return _json({"error": code}, status)


def _is_json(request: Request) -> bool:
    # Browsers cannot send this content type cross-site without a CORS
    # preflight: a second line of defence behind the SameSite=Strict cookie.
    return (request.content_type or "").split(";")[0].strip() == "application/json"


class PatientInput(InputChannel):
    """Web chat for patients signed in through a clinic invite link."""

    @classmethod
    def name(cls) -> str:
        """Routes live under ``/webhooks/patient/``."""
        return "patient"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PatientInput:
        """Build the channel from its ``credentials.yml`` section.

        Keys (all optional): ``secure_cookies`` (true behind HTTPS),
        ``session_days`` (device-session lifetime, default 30),
        ``start_payload`` (sent for the patient when the conversation is
        empty, e.g. ``/greet``).
        """
        credentials = credentials or {}
        return cls(
            secure_cookies=bool(credentials.get("secure_cookies", False)),
            session_lifetime=timedelta(
                days=float(credentials.get("session_days", DEFAULT_LIFETIME.days))
            ),
            start_payload=credentials.get("start_payload"),
        )

    def __init__(
        self,
        database: Database | None = None,
        config: ClinicConfig | None = None,
        secret_key: str | None = None,
        secure_cookies: bool = False,
        session_lifetime: timedelta = DEFAULT_LIFETIME,
        start_payload: str | None = None,
    ) -> None:
        if start_payload is not None:
            validate_payload(start_payload)
        self.database = database or get_database()
        self.config = config or get_config()
        self.secret_key = secret_key or get_secret_key()
        self.secure_cookies = secure_cookies
        self.session_lifetime = session_lifetime
        self.start_payload = start_payload
        self.assets = page.load_static_assets()
        # Conversations with a message in flight (this process).
        self._in_flight: set[str] = set()

    # ---- helpers -------------------------------------------------------

    async def _in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        # Database calls are blocking; keep them off the event loop.
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(function, *args))

    async def _patient(self, request: Request) -> PatientSession | None:
        return await self._in_thread(
            resolve_device_session,
            self.database,
            request.cookies.get(COOKIE_NAME),
            self.session_lifetime,
            self.secret_key,
        )

    def _html(self, body: str, status: int = 200) -> HTTPResponse:
        headers = {**page.SECURITY_HEADERS, "Cache-Control": "no-store"}
        if self.secure_cookies:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        return response.html(body, status=status, headers=headers)

    def _notice(
        self, request: Request, status: int, signed_out: bool = False
    ) -> HTTPResponse:
        locale = page.negotiate_locale(
            self.config, request.headers.get("accept-language")
        )
        return self._html(
            page.render_notice(self.config, locale, self.assets, signed_out), status
        )

    def _set_cookie(self, reply: HTTPResponse, value: str, max_age: int) -> None:
        reply.cookies[COOKIE_NAME] = value
        cookie = reply.cookies[COOKIE_NAME]
        cookie["path"] = COOKIE_PATH
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["max-age"] = max_age
        if self.secure_cookies:
            cookie["secure"] = True

    @staticmethod
    def _known_intents(request: Request) -> set[str] | None:
        agent = getattr(request.app.ctx, "agent", None)
        domain = getattr(agent, "domain", None)
        return set(domain.intents) if domain is not None else None

    def _read_message(
        self, request: Request, patient: PatientSession
    ) -> tuple[UserMessage, bool]:
        """The UserMessage for a webhook body, and whether it is a button press.

        Raises:
            InputRejected: the body is not an acceptable message.
        """
        if len(request.body or b"") > MAX_BODY_BYTES:
            raise InputRejected("too_long")
        if not _is_json(request):
            raise InputRejected("bad_request")
        try:
            body = request.json
        except InvalidUsage:  # malformed JSON
            raise InputRejected("bad_request") from None
        if not isinstance(body, dict):
            raise InputRejected("bad_request")
        metadata: dict[str, Any] = {"locale": patient.locale}
        payload = body.get("payload")
        if payload is None:
            text = clean_text(body.get("message"))
        else:
            if isinstance(payload, str) and payload.startswith("/"):
                text = validate_payload(payload, self._known_intents(request))
            else:
                # A button that answers with plain text: same rules as typing.
                text = clean_text(payload)
        message = UserMessage(
            text,
            CollectingOutputChannel(),
            patient.conversation_id,  # never a client-supplied sender
            input_channel=self.name(),
            metadata=metadata,
        )
        return message, payload is not None

    # ---- routes --------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The channel's routes; Rasa mounts them under ``/webhooks/patient``."""
        patient_chat = Blueprint("afterglow_patient_chat", __name__)

        @patient_chat.route("/", methods=["GET"])
        async def chat_page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):
                # Relative links on the page need the trailing slash.
                return response.redirect(request.path + "/", status=303)
            patient = await self._patient(request)
            if patient is None:
                signed_out = request.args.get("signed_out") == "1"
                return self._notice(request, 200 if signed_out else 403, signed_out)
            locale = page.page_locale(self.config, patient.locale)
            return self._html(
                page.render_chat(self.config, locale, self.assets, self.start_payload)
            )

        @patient_chat.route("/join", methods=["GET"])
        async def join(request: Request) -> HTTPResponse:
            token = request.args.get("token", "")
            try:
                invite = await self._in_thread(
                    verify_invite, self.database, token, self.secret_key
                )
            except InviteError as error:
                logger.info("patient channel: invite refused (%s)", error.reason)
                return self._notice(request, 403)
            cookie = await self._in_thread(
                start_device_session, self.database, invite, self.secret_key
            )
            # Not a redirect: a SameSite=Strict cookie is withheld for the rest
            # of a navigation that started on another site (a webmail link).
            # The page moves on by itself, and that navigation is same-site.
            locale = page.negotiate_locale(
                self.config, request.headers.get("accept-language")
            )
            reply = self._html(page.render_joined(self.config, locale, self.assets))
            self._set_cookie(reply, cookie, int(self.session_lifetime.total_seconds()))
            return reply

        @patient_chat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            patient = await self._patient(request)
            if patient is None:
                return _problem(401, "session")
            try:
                message, pressed = self._read_message(request, patient)
            except InputRejected as rejection:
                return _problem(400, rejection.code)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None and not agent.is_ready():
                # Rasa would drop the message silently (no model loaded).
                return _problem(503, "not_ready")
            conversation = patient.conversation_id
            if conversation in self._in_flight:
                return _problem(409, "busy")
            self._in_flight.add(conversation)
            try:
                context = await read_conversation(agent, conversation)
                if pressed:
                    title = offered_title(
                        message.text, context.offered, self.start_payload
                    )
                    if title:
                        message.metadata["display_text"] = title
                message.metadata.update(context.metadata)
                await on_new_message(message)
            except InputRejected as rejection:
                return _problem(400, rejection.code)
            except Exception:
                logger.exception("patient channel: the bot failed to handle a message")
                # Whatever failed, the patient still sees where help is.
                locale = page.negotiate_locale(
                    self.config, request.headers.get("accept-language")
                )
                return _json(
                    {
                        "error": "server",
                        "messages": [{"text": resources_text(self.config, locale)}],
                    },
                    500,
                )
            finally:
                self._in_flight.discard(conversation)
            collected = message.output_channel.messages
            return _json(
                {
                    "messages": [
                        {key: m[key] for key in PUBLIC_MESSAGE_KEYS if key in m}
                        for m in collected
                    ]
                }
            )

        @patient_chat.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            patient = await self._patient(request)
            if patient is None:
                return _problem(401, "session")
            agent = getattr(request.app.ctx, "agent", None)
            tracker_store = getattr(agent, "tracker_store", None)
            if tracker_store is None:
                return _problem(503, "not_ready")
            tracker = await tracker_store.retrieve_full_tracker(patient.conversation_id)
            events = [event.as_dict() for event in tracker.events] if tracker else []
            return _json({"messages": visible_messages(events)})

        @patient_chat.route("/logout", methods=["POST"])
        async def logout(request: Request) -> HTTPResponse:
            if not _is_json(request):
                return _problem(400, "bad_request")
            patient = await self._patient(request)
            if patient is not None:
                await self._in_thread(
                    revoke_device_session, self.database, patient.session_id
                )
            reply = _json({"status": "signed_out"})
            self._set_cookie(reply, "", 0)
            return reply

        @patient_chat.route("/static/<filename>", methods=["GET"])
        async def static_file(request: Request, filename: str) -> HTTPResponse:
            asset = self.assets.get(filename)
            if asset is None:
                return _problem(404, "not_found")
            return response.raw(
                asset.body,
                content_type=asset.content_type,
                headers={
                    "X-Content-Type-Options": "nosniff",
                    "Cache-Control": "public, max-age=86400",
                    "Cross-Origin-Resource-Policy": "same-origin",
                },
            )

        return patient_chat
