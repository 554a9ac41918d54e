"""Session exports: Markdown, JSON and a printable page. Each one is audited."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.responses import Response

from bot.portal import audit
from bot.portal.auth import LoggedIn, Principal
from bot.portal.headers import PAGE_CSP
from bot.portal.loaders import SessionView, load_session
from bot.summary import Turn, render_markdown, render_page
from bot.summary.render import escape_markdown

router = APIRouter(include_in_schema=False)
PREFIX = "/patients/{patient_id}/sessions/{slug}"
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def turn_dict(turn: Turn) -> dict[str, Any]:
    return json.loads(turn.json())


def session_document(view: SessionView) -> dict[str, Any]:
    """The JSON shape of one session: summary and transcript (also the API's)."""
    return {
        "patient_id": view.sessions.patient.id,
        "session": view.slug,
        "number": view.number,
        "stored_summary_id": view.sessions.stored_ids.get(view.summary.session_key),
        "summary": view.summary.to_dict(),
        "transcript": [turn_dict(turn) for turn in view.turns],
    }


def transcript_markdown(turns: list[Turn]) -> str:
    lines = ["## Transcript", ""]
    for turn in turns:
        who = "Patient" if turn.role == "patient" else "Afterglow"
        moment = turn.timestamp.strftime("%Y-%m-%d %H:%M UTC") if turn.timestamp else ""
        flag = f" **[flagged: {turn.level or 'crisis'}]**" if turn.flagged else ""
        text = escape_markdown(turn.text).replace("\n", "  \n")
        lines += [f"**{who}** {moment}{flag}  ", text, ""]
    return "\n".join(lines)


def _export(
    request: Request, principal: Principal, view: SessionView, fmt: str
) -> None:
    with request.app.state.db.session() as s:
        audit.record(
            s,
            principal,
            "export_session",
            "session",
            view.summary.session_key,
            {"patient": view.sessions.patient.id, "format": fmt},
        )


def _filename(view: SessionView, extension: str) -> str:
    # Ids only: a file name must not carry the patient's name.
    return f"afterglow-patient{view.sessions.patient.id}-{view.slug}.{extension}"


@router.get(PREFIX + "/summary.md")
def export_markdown(
    request: Request, patient_id: int, slug: str, principal: LoggedIn
) -> Response:
    view = load_session(request, principal, patient_id, slug)
    _export(request, principal, view, "markdown")
    body = render_markdown(view.summary) + "\n" + transcript_markdown(view.turns)
    return Response(
        body,
        media_type="text/markdown; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(view, "md")}"'
        },
    )


@router.get(PREFIX + "/summary.json")
def export_json(
    request: Request, patient_id: int, slug: str, principal: LoggedIn
) -> Response:
    view = load_session(request, principal, patient_id, slug)
    _export(request, principal, view, "json")
    return JSONResponse(
        session_document(view),
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(view, "json")}"'
        },
    )


def _style_hashes(html: str) -> str:
    hashes = []
    for block in _STYLE.findall(html):
        digest = hashlib.sha256(block.encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return " ".join(hashes)


@router.get(PREFIX + "/print")
def export_print(
    request: Request, patient_id: int, slug: str, principal: LoggedIn
) -> Response:
    view = load_session(request, principal, patient_id, slug)
    _export(request, principal, view, "print")
    html = render_page(view.summary, view.turns)
    # The printable page carries its own stylesheet inline; allow exactly that
    # stylesheet by hash rather than any inline style.
    csp = PAGE_CSP.replace(
        "style-src 'self'", f"style-src 'self' {_style_hashes(html)}"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": csp})
