"""Delivery channels: JSON webhooks and email.

A notifier either returns (delivered) or raises ``DeliveryError`` with a short
reason that is safe to store and log: a status code or an error class, never
a response body or anything from the payload.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from typing import Any

from bot.config import Smtp

SMTP_PASSWORD_ENV = "AFTERGLOW_SMTP_PASSWORD"
SMTPS_PORT = 465

Notifier = Callable[[str, str, Mapping[str, Any]], None]  # (target, kind, payload)


class DeliveryError(Exception):
    """A delivery attempt failed; ``str(error)`` is a short, content-free reason."""


class WebhookNotifier:
    """POSTs the payload as JSON; any 2xx answer counts as delivered."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def __call__(self, target: str, kind: str, payload: Mapping[str, Any]) -> None:
        body = json.dumps(dict(payload)).encode("utf-8")
        request = urllib.request.Request(
            target,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "afterglow-worker",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DeliveryError(_reason(error)) from None
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}")


def _reason(error: BaseException) -> str:
    inner = getattr(error, "reason", None)
    if isinstance(inner, BaseException):
        return f"{type(error).__name__}: {type(inner).__name__}"
    return type(error).__name__


_SUBJECTS = {
    "escalation": "[Afterglow] {LEVEL} risk flag – action needed",
    "reminder": "[Afterglow] REMINDER: {LEVEL} risk flag not yet acknowledged",
    "summary": "[Afterglow] Session summary available",
}


def render_email(kind: str, payload: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and plain-text body of a notification email."""
    level = str(payload.get("level") or "").upper() or "NEW"
    subject = _SUBJECTS.get(kind, "[Afterglow] Notification").format(LEVEL=level)
    lines = []
    if kind in ("escalation", "reminder"):
        lines.append(
            "A patient message was flagged by Afterglow's safety screen. "
            "Open the portal to read it and record your response."
        )
        if payload.get("reason") == "cssrs_raised":
            lines.append("The follow-up screener raised the risk level.")
        if kind == "reminder":
            lines.append("Nobody has acknowledged this flag yet.")
        lines.append("")
        for label, key in (
            ("Level", "level"),
            ("Category", "category"),
            ("Patient", "patient"),
            ("Flagged at", "created_at"),
            ("Escalation", "escalation_id"),
        ):
            if payload.get(key) is not None:
                lines.append(f"{label}: {payload[key]}")
    else:
        lines.append("A session summary from Afterglow is ready in the portal.")
        lines.append("")
        for label, key in (("Patient", "patient"), ("Status", "status")):
            if payload.get(key) is not None:
                lines.append(f"{label}: {payload[key]}")
        # Present only when the clinic opted in (summaries.include_content).
        if isinstance(payload.get("markdown"), str):
            lines += ["", payload["markdown"]]
    if payload.get("link"):
        lines += ["", f"Open: {payload['link']}"]
    if kind in ("escalation", "reminder"):
        lines += [
            "",
            "Patient messages are never sent by email; read them in the portal.",
        ]
    return subject, "\n".join(lines) + "\n"


class EmailNotifier:
    """Sends plain-text email through the clinic's SMTP relay.

    The password, if any, comes from ``$AFTERGLOW_SMTP_PASSWORD``.
    """

    def __init__(
        self, smtp: Smtp, timeout: float = 15.0, password: str | None = None
    ) -> None:
        self.smtp = smtp
        self.timeout = timeout
        self.password = (
            password if password is not None else os.environ.get(SMTP_PASSWORD_ENV)
        )

    def _connect(self) -> smtplib.SMTP:
        # Port 465 speaks TLS from the first byte (SMTPS); others may STARTTLS.
        if self.smtp.port == SMTPS_PORT:
            return smtplib.SMTP_SSL(
                self.smtp.host,
                self.smtp.port,
                timeout=self.timeout,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.timeout)

    def __call__(self, target: str, kind: str, payload: Mapping[str, Any]) -> None:
        subject, body = render_email(kind, payload)
        message = EmailMessage()
        message["From"] = self.smtp.sender
        message["To"] = target
        message["Subject"] = subject
        message.set_content(body)
        try:
            with self._connect() as client:
                if self.smtp.starttls and self.smtp.port != SMTPS_PORT:
                    client.starttls(context=ssl.create_default_context())
                if self.smtp.username:
                    client.login(self.smtp.username, self.password or "")
                client.send_message(message)
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"SMTP {error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(type(error).__name__) from None


def notifiers_from_config(smtp: Smtp) -> dict[str, Notifier]:
    """The notifier of each outbox channel."""
    return {"webhook": WebhookNotifier(), "email": EmailNotifier(smtp)}
