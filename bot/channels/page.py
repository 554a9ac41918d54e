"""HTML of the patient chat: the chat page, the notice page, static assets.

Crisis resources are rendered into the page from ``config/clinic.yml``, so
"Get help now" works without a round trip, even when the bot is down. Pages
carry no inline script or style, so the strict Content-Security-Policy in
``SECURITY_HEADERS`` holds.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.channels.messages import MAX_MESSAGE_CHARS
from bot.channels.strings import strings_for
from bot.config import ClinicConfig, Resource

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_TYPES = {
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The join URL carries the invite token: never leak it in a Referer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
_PHONE = re.compile(r"^\+?[\d\s\-().]{3,}$")
_PARENTHESISED_PHONE = re.compile(r"\((\+?[\d\s\-.]{3,})\)")

_templates = Environment(
    loader=FileSystemLoader(PACKAGE_DIR / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class StaticAsset:
    """A file under ``static/`` with a content hash for cache busting."""

    body: bytes
    content_type: str
    version: str


def load_static_assets() -> dict[str, StaticAsset]:
    """Read the page's static files once (they ship with the code)."""
    assets = {}
    for name, content_type in STATIC_TYPES.items():
        body = (PACKAGE_DIR / "static" / name).read_bytes()
        assets[name] = StaticAsset(
            body, content_type, hashlib.sha256(body).hexdigest()[:12]
        )
    return assets


def dial_uri(contact: str) -> str | None:
    """A ``tel:`` link for a contact that is (or contains) a phone number."""
    match = _PARENTHESISED_PHONE.search(contact)
    number = match.group(1) if match else contact
    if not _PHONE.match(number.strip()):
        return None
    return "tel:" + re.sub(r"[^\d+]", "", number)


def _resource_view(resource: Resource) -> dict[str, str | None]:
    return {
        "name": resource.name,
        "contact": resource.contact,
        "how": resource.how,
        "href": dial_uri(resource.contact),
    }


def crisis_view(config: ClinicConfig, locale: str) -> dict[str, object]:
    """The clinic's crisis resources for ``locale``, ready for the template."""
    resources = config.resources(locale)
    return {
        "emergency": _resource_view(resources.emergency),
        "lines": [_resource_view(line) for line in resources.lines],
        "peer": [_resource_view(peer) for peer in resources.peer],
        "on_call": {
            "name": config.on_call.name,
            "phone": config.on_call.phone,
            "href": dial_uri(config.on_call.phone),
        },
    }


def page_locale(config: ClinicConfig, wanted: str | None) -> str:
    """The configured locale closest to ``wanted``, else the clinic default."""
    language = (wanted or "").split("-")[0].lower()
    return (
        language
        if language in config.crisis_resources
        else config.clinic.default_locale
    )


def negotiate_locale(config: ClinicConfig, accept_language: str | None) -> str:
    """Pick a configured locale from an ``Accept-Language`` header."""
    ranked: list[tuple] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, tag.split("-")[0].lower()))
    for _, _, language in sorted(ranked):
        if language in config.crisis_resources:
            return language
    return config.clinic.default_locale


def render_chat(
    config: ClinicConfig,
    locale: str,
    assets: dict[str, StaticAsset],
    start_payload: str | None = None,
) -> str:
    """The chat page for a signed-in patient."""
    return _templates.get_template("chat.html").render(
        clinic=config.clinic.name,
        lang=locale,
        text=strings_for(locale),
        crisis=crisis_view(config, locale),
        assets={name: asset.version for name, asset in assets.items()},
        max_chars=MAX_MESSAGE_CHARS,
        start_payload=start_payload or "",
    )


def render_joined(
    config: ClinicConfig, locale: str, assets: dict[str, StaticAsset]
) -> str:
    """The short page after a good invite link, moving on to the chat."""
    return _templates.get_template("joined.html").render(
        clinic=config.clinic.name,
        lang=locale,
        text=strings_for(locale),
        assets={name: asset.version for name, asset in assets.items()},
    )


def render_notice(
    config: ClinicConfig, locale: str, assets: dict[str, StaticAsset], signed_out: bool
) -> str:
    """The page for a missing, expired, revoked or forged link or session."""
    return _templates.get_template("notice.html").render(
        clinic=config.clinic.name,
        lang=locale,
        text=strings_for(locale),
        crisis=crisis_view(config, locale),
        assets={name: asset.version for name, asset in assets.items()},
        signed_out=signed_out,
    )
