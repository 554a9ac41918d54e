"""Renderers: JSON dict, Markdown, HTML fragment and a printable HTML page.

HTML goes through Jinja2 with autoescape on, so everything the patient wrote
is shown as text. Markdown backslash-escapes the characters that would turn
patient text into markup (HTML tags, links, emphasis, table cells).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bot.summary import formatting as fmt
from bot.summary.model import Summary, Turn

TEMPLATES = Path(__file__).parent / "templates"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape_markdown(text: Any) -> str:
    """Patient text as literal Markdown (one line breaks kept)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _quote(value: Any, indent: str = "") -> str:
    lines = escape_markdown(fmt.answer(value)).splitlines() or [""]
    return "\n".join(f"{indent}> {line}" for line in lines)


def _cell(value: Any) -> str:
    return "\u2014" if value is None else fmt.answer(value)


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        answer=fmt.answer,
        cell=_cell,
        day=fmt.day,
        emotion_label=fmt.emotion_label,
        hours=fmt.hours,
        minutes=fmt.minutes,
        step=fmt.step_ref,
        when=fmt.when,
        md=escape_markdown,
        quote=_quote,
    )
    return env


@cache
def _env(autoescape: bool) -> Environment:
    return _environment(autoescape)


def to_dict(summary: Summary) -> dict[str, Any]:
    """The summary as plain JSON types."""
    return summary.to_dict()


def render_markdown(summary: Summary) -> str:
    """The summary as Markdown (for e-mail, the CLI and copy into notes)."""
    text = _env(False).get_template("summary.md.j2").render(s=summary)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_html(summary: Summary) -> Markup:
    """The summary as an HTML fragment (a ``<section>``) for the portal."""
    return Markup(_env(True).get_template("summary_fragment.html.j2").render(s=summary))


def render_page(summary: Summary, transcript: Iterable[Turn] | None = None) -> str:
    """A complete printable HTML page, optionally with the transcript."""
    return (
        _env(True)
        .get_template("summary_page.html.j2")
        .render(
            s=summary, fragment=render_html(summary), transcript=list(transcript or [])
        )
    )
