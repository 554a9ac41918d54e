"""Session summaries: the therapist's handoff after a reflection.

A summary never adds a fact the patient did not give: answers are copied
verbatim, a skipped answer says "skipped", and the narrative is assembled
from fixed sentence templates that appear only for facts present.

API::

    from bot.summary import (
        build_summary, build_summaries, build_transcript,
        render_markdown, render_html, render_page, to_dict,
        summary_for_conversation, load_stored_summary, process_due,
        Summary, Turn,
    )

``build_summary(reflection=None, events=(), *, conversation_id=None,
patient=None, infusions=(), escalations=(), now=None,
inactivity_minutes=120) -> Summary``
    One session: the one of ``reflection`` (a ``Reflection`` row), or the
    latest session in ``events`` when no record is given. ``events`` are the
    conversation's Rasa event dicts or ``EventStream.conversation()`` rows.
    Raises ``LookupError`` when there is no such session.
``build_summaries(events, reflections, **same keywords) -> list[Summary]``
    Every session of a conversation, oldest first.
``build_transcript(events) -> list[Turn]``
    Patient and bot messages, rewinds applied; crisis messages have
    ``flagged=True`` and ``level``/``category`` set.
``render_markdown(summary) -> str``, ``render_html(summary) -> Markup``
(a ``<section>`` fragment, all patient text escaped),
``render_page(summary, transcript=None) -> str`` (printable page),
``to_dict(summary)`` / ``summary.to_dict()`` (plain JSON types).
``summary_for_conversation(db, stream, conversation_id, *, config=None,
now=None) -> Summary``
    The latest session: its stored summary when finished (and still current),
    else built now. Raises ``UnknownConversation`` or ``NoSession`` (both
    ``LookupError``).
``load_stored_summary(db, summary_id) -> Summary | None``
    Portal links are ``{portal_url}/sessions/{SessionSummary.id}``; this
    returns the newest summary of that session (a completion supersedes an
    earlier "inactive" one).
``process_due(db, stream, config, now=None) -> int``
    Called by the clinic worker each loop; stores due summaries, queues
    "summary" notifications, returns how many summaries it stored.
``bot.summary.service``: ``load_conversation(session, stream, id)``,
``conversation_summaries(data, now=None, config=None)`` (every session,
fresh) and ``stored_rows(session, id)`` for callers with their own session.

``Summary.status`` is ``complete``, ``partial`` or ``in_progress``;
``Summary.end_reason`` says why a session ended (``completed``, ``inactive``,
``restarted``, ``superseded``, ``abandoned``). Answer fields hold the value
given, ``"skipped"``, or ``None`` when never answered. ``risk_events`` come
from the ``Escalation`` rows in the session's span plus flagged messages the
worker has not recorded yet (``escalation_status`` None); a message the
patient took back is kept with ``retracted=True``. ``completeness`` lists the
steps by state, the pause and resume counts, ``paused_now`` and the step the
patient stopped at.
"""

from bot.summary.builder import build_summaries, build_summary
from bot.summary.model import RiskEvent, Summary, Turn
from bot.summary.render import render_html, render_markdown, render_page, to_dict
from bot.summary.service import (
    NoSession,
    UnknownConversation,
    load_stored_summary,
    process_due,
    summary_for_conversation,
)
from bot.summary.transcript import build_transcript

__all__ = [
    "NoSession",
    "RiskEvent",
    "Summary",
    "Turn",
    "UnknownConversation",
    "build_summaries",
    "build_summary",
    "build_transcript",
    "load_stored_summary",
    "process_due",
    "render_html",
    "render_markdown",
    "render_page",
    "summary_for_conversation",
    "to_dict",
]
