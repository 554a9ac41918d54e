"""Renderers: JSON shape, Markdown, HTML escaping, printable page."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from bot.summary import (
    Summary,
    build_summary,
    build_transcript,
    render_html,
    render_markdown,
    render_page,
    to_dict,
)

from .rasa_events import FULL_ANSWERS, Conversation, completed_reflection

SCRIPT = "<script>alert('x')</script>"


def _summary(answers=FULL_ANSWERS) -> Summary:
    conversation = Conversation().listen().open_reflection()
    conversation.run_answers(answers).complete()
    now = datetime.fromtimestamp(conversation.clock, tz=timezone.utc)
    return build_summary(events=conversation.events, now=now + timedelta(minutes=1))


def _with(slot: str, value, answers=FULL_ANSWERS):
    return [(n, value if n == slot else v, t) for n, v, t in answers]


def test_json_shape_and_round_trip():
    summary = _summary()
    data = to_dict(summary)
    json.dumps(data)  # plain JSON types only
    assert {
        "session_key",
        "patient",
        "infusion",
        "status",
        "started_at",
        "ended_at",
        "duration_minutes",
        "mood",
        "anxiety",
        "body_check",
        "infusion_highlight",
        "loop",
        "traps",
        "evidence",
        "reframe",
        "intention",
        "therapy_note",
        "risk_events",
        "completeness",
        "narrative",
    } <= set(data)
    assert data["loop"]["belief"] == {"before": 80, "after": 45}
    assert data["traps"]["chosen"] == ["all_or_nothing", "labeling"]
    assert data["started_at"].endswith("+00:00")
    assert Summary.parse_obj(data) == summary


def test_markdown_sections_and_values():
    markdown = render_markdown(_summary())
    assert markdown.startswith("# Reflection summary: conv-1\n")
    for heading in (
        "## Risk",
        "## 1. Check-in (done)",
        "## 3. The thought (done)",
        "## 8. Close (done)",
    ):
        assert heading in markdown
    assert "| Belief (0-100) | 80 | 45 |" in markdown
    assert "> Sometimes I slip, often I help" in markdown
    assert "- Chosen: All-or-nothing, Labeling" in markdown
    assert "Note for therapy:\n\n> skipped" in markdown
    assert "No message was flagged by the safety check.\n\n## 1. Check-in" in markdown
    assert "## Since the last reflection" not in markdown  # not asked


def test_previous_followup_and_open_steps():
    conversation = Conversation().listen().open_reflection()
    conversation.slot("requested_slot", "previous_followup")
    conversation.answer("previous_followup", "I did call Sam", "I did call Sam")
    conversation.run_answers(FULL_ANSWERS[:3])
    summary = build_summary(events=conversation.events)
    markdown = render_markdown(summary)
    assert "## Since the last reflection\n\n> I did call Sam" in markdown
    assert "## 6. Reframe (open)\n\nNot answered." in markdown
    html = str(render_html(summary))
    assert "<p>Not answered.</p>" in html and "I did call Sam" in html


def test_markdown_escapes_patient_markup():
    markdown = render_markdown(_summary(_with("reframe", f"[click](x) {SCRIPT}")))
    assert "<script>" not in markdown
    assert r"\[click\](x) \<script\>" in markdown


def test_multiline_answers_stay_inside_the_quote():
    markdown = render_markdown(_summary(_with("intention", "walk\nthen call Sam")))
    assert "> walk\n> then call Sam" in markdown


def test_html_escapes_everything_the_patient_wrote():
    answers = _with("thought", SCRIPT, _with("emotion", "<b>shame</b>"))
    html = str(render_html(_summary(answers)))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert html.lstrip().startswith("<section")


def test_skipped_answers_render_as_skipped():
    summary = _summary(_with("traps_chosen", "skipped"))
    html = str(render_html(summary))
    assert "<dt>Chosen</dt><dd>skipped</dd>" in html
    assert "## 4. Thinking traps (skipped)" in render_markdown(summary)


def test_printable_page_with_transcript():
    conversation = completed_reflection()
    conversation.user(SCRIPT)
    summary = build_summary(events=conversation.events)
    page = render_page(summary, build_transcript(conversation.events))
    assert page.startswith("<!DOCTYPE html>")
    assert "@media print" in page
    assert 'class="ag-transcript"' in page
    assert "<script>" not in page
    assert page.count('<section class="ag-summary') == 1
