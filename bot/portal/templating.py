"""Jinja2 set-up: autoescaped templates and the common page context."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from bot.portal import labels
from bot.portal.auth import lookup_principal
from bot.portal.csrf import FORM_FIELD, csrf_token
from bot.store.types import as_utc

TEMPLATES_DIR = Path(__file__).parent / "templates"
FLASH_KEY = "flash"


def as_datetime(value: datetime | str | None) -> datetime | None:
    """A stored time (datetime or ISO 8601 text) as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


def when(value: datetime | str | None) -> str:
    """A timestamp for people: ``12 Nov 2026, 14:05 UTC``."""
    moment = as_datetime(value)
    return moment.strftime("%-d %b %Y, %H:%M UTC") if moment else "—"


def ago(value: datetime | str | None) -> str:
    """How long ago, roughly: ``just now``, ``12 min ago``, ``2 days ago``."""
    moment = as_datetime(value)
    if moment is None:
        return ""
    seconds = (datetime.now(timezone.utc) - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return f"{days} day{'s' if days > 1 else ''} ago"


def day(value: datetime | str | None) -> str:
    """A date for people: ``12 Nov 2026``."""
    moment = as_datetime(value)
    return moment.strftime("%-d %b %Y") if moment else "—"


def rating(value: Any) -> str:
    """A 0–10 answer as shown: the number, ``skipped`` or a dash."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR), autoescape=True)
    templates.env.filters.update(when=when, day=day, ago=ago, rating=rating)
    templates.env.globals.update(category_label=labels.category)
    return templates


def flash(request: Request, message: str) -> None:
    """Show ``message`` on the next page (never put patient text in it)."""
    request.session.setdefault(FLASH_KEY, []).append(message)


def _take_flashes(request: Request) -> list[str]:
    return request.session.pop(FLASH_KEY, [])


def render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> Response:
    """Render a page with the principal, CSRF token, clinic and flash messages."""
    templates: Jinja2Templates = request.app.state.templates
    context.update(
        request=request,
        principal=lookup_principal(request),
        csrf_token=csrf_token(request),
        csrf_field=FORM_FIELD,
        clinic_name=request.app.state.config.clinic.name,
        flashes=_take_flashes(request),
    )
    return templates.TemplateResponse(template, context, status_code=status_code)
