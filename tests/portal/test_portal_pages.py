"""What the pages and the API show, what they change, and what they audit."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.store import AuditEntry, Escalation, Patient
from tests.portal.conftest import EMAILS, World, api_token, login

SCRIPT_RAW = '<script>alert("owned")</script>'


def session_path(world: World, number: int = 3) -> str:
    ids = world.ids
    return f"/patients/{ids.dana}/sessions/r{ids.dana_reflections[number - 1]}"


def audit_entries(world: World, action: str) -> list[AuditEntry]:
    with world.db.session() as s:
        return list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == action)
                .order_by(AuditEntry.id)
            )
        )


def anchors(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="escalation-(\d+)"', html)]


# -- escalation queue ---------------------------------------------------------


def test_queue_puts_urgent_open_escalations_first(world: World) -> None:
    esc = world.ids.dana_escalations
    html = world.client("alice").get("/").text
    assert anchors(html) == [esc["imminent"], esc["high"], esc["moderate"]]
    api = world.client("alice").get("/api/escalations").json()
    assert [r["id"] for r in api["open"]] == [esc["imminent"], esc["high"]]
    assert [r["id"] for r in api["acknowledged"]] == [esc["moderate"]]


def test_queue_shows_levels_patient_and_delivery_status(world: World) -> None:
    html = world.client("alice").get("/").text
    for text in (
        "IMMINENT".lower(),
        "Dana Whitfield",
        "Plan or means",
        "Passive suicidal ideation",
        "not settled yet",
        "delivered",
        "pending",
        "3 attempts",
        "Last error: connection refused",
        "http://127.0.0.1:9/on-call-hook",
    ):
        assert text in html
    # The queue quotes no patient words; those are behind the audited detail page.
    assert "pills ready" not in html


def test_queue_api_lists_delivery_per_target_without_patient_words(
    world: World,
) -> None:
    api = world.client("alice").get("/api/escalations").json()
    imminent = api["open"][0]
    assert "message" not in imminent and "context" not in imminent
    targets = {d["channel"]: d for d in imminent["deliveries"]}
    assert targets["email"]["status"] == "delivered"
    assert targets["webhook"]["status"] == "pending"
    assert targets["webhook"]["attempts"] == 3
    assert targets["webhook"]["last_error"] == "connection refused"


def test_escalation_page_quotes_the_message_and_is_audited(world: World) -> None:
    escalation = world.ids.dana_escalations["imminent"]
    before = len(audit_entries(world, "view_escalation"))
    html = world.client("alice").get(f"/escalations/{escalation}").text
    assert "I have the pills ready for tonight" in html
    assert "Please call 988 now" in html  # what the bot answered
    assert "plan_means.pills" in html
    entries = audit_entries(world, "view_escalation")
    assert len(entries) == before + 1
    assert (entries[-1].actor, entries[-1].object_id) == (
        EMAILS["alice"],
        str(escalation),
    )


def test_acknowledge_from_the_queue(fresh_world: World) -> None:
    world = fresh_world
    client = world.client("alice")
    escalation = world.ids.dana_escalations["imminent"]
    response = client.post(
        f"/escalations/{escalation}/acknowledge",
        data={
            "note": "Phoned Dana; safe with her sister",
            "csrf_token": api_token(client),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert "Escalation acknowledged." in client.get("/").text
    with world.db.session() as s:
        row = s.get(Escalation, escalation)
        assert row.status == "acknowledged"
        assert row.acknowledged_by == world.ids.alice
        assert row.acknowledgement_note == "Phoned Dana; safe with her sister"
    assert audit_entries(world, "acknowledge_escalation")[-1].object_id == str(
        escalation
    )
    # The queue now shows it among the acknowledged, below the open one.
    esc = world.ids.dana_escalations
    assert anchors(client.get("/").text) == [
        esc["high"],
        esc["imminent"],
        esc["moderate"],
    ]
    again = client.post(
        f"/escalations/{escalation}/acknowledge",
        data={"note": "", "csrf_token": api_token(client)},
        follow_redirects=True,
    )
    assert "acknowledged this escalation already" in again.text


def test_acknowledge_through_the_api(fresh_world: World) -> None:
    client = fresh_world.client("admin")
    escalation = fresh_world.ids.dana_escalations["high"]
    headers = {"X-CSRF-Token": api_token(client)}
    url = f"/api/escalations/{escalation}/acknowledge"
    response = client.post(url, json={"note": "Covering for Alice"}, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by_email"] == EMAILS["admin"]
    assert client.post(url, json={}, headers=headers).status_code == 409


# -- patients -------------------------------------------------------------------


def test_patient_list(world: World) -> None:
    html = world.client("alice").get("/patients").text
    dana_row = html[html.index("Dana Whitfield") :].split("</tr>")[0]
    assert "7/10" in dana_row  # mood after the latest session
    assert "2 open" in dana_row
    riley_row = html[html.index("Riley Chen") :].split("</tr>")[0]
    assert "none yet" in riley_row
    api = {
        p["display_name"]: p for p in world.client("alice").get("/api/patients").json()
    }
    assert api["Dana Whitfield"]["latest_mood"] == 7
    assert api["Dana Whitfield"]["open_flags"] == 2
    assert api["Dana Whitfield"]["sessions"] == 3


def test_patient_page_draws_the_trend_and_lists_sessions(world: World) -> None:
    html = world.client("alice").get(f"/patients/{world.ids.dana}").text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('class="dot mood_before"') == 3
    assert svg.count('class="dot anxiety_before"') == 3
    assert svg.count("<polyline") == 3
    for label in ("#1", "#2", "#3"):
        assert f">{label}</text>" in svg
    assert "style=" not in svg  # the CSP forbids inline styles
    assert html.count("/sessions/r") >= 3
    assert "Open escalations" in html
    api = world.client("alice").get(f"/api/patients/{world.ids.dana}").json()
    assert [p["mood_before"] for p in api["trend"]] == [3, 4, 5]
    assert [s["status"] for s in api["sessions"]] == ["complete"] * 3


def test_a_session_without_a_record_has_its_page(world: World) -> None:
    client = world.client("alice")
    html = client.get(f"/patients/{world.ids.jordan}").text
    slugs = re.findall(rf"/patients/{world.ids.jordan}/sessions/(e\d+)", html)
    assert len(slugs) == 1
    page = client.get(f"/patients/{world.ids.jordan}/sessions/{slugs[0]}")
    assert page.status_code == 200
    assert "partial" in page.text
    assert "Shaky" in page.text
    document = client.get(
        f"/api/patients/{world.ids.jordan}/sessions/{slugs[0]}"
    ).json()
    assert document["summary"]["reflection_id"] is None
    assert document["summary"]["anxiety"]["before"] == 9


def test_unknown_and_foreign_patients_get_the_same_404(world: World) -> None:
    client = world.client("alice")
    foreign = client.get(f"/patients/{world.ids.sam}")
    missing = client.get("/patients/99999")
    malformed = client.get("/patients/not-a-number")
    assert foreign.status_code == missing.status_code == malformed.status_code == 404
    assert foreign.text == missing.text


# -- sessions, transcripts, exports --------------------------------------------


def test_patient_text_is_escaped_everywhere(world: World) -> None:
    client = world.client("alice")
    for path in (session_path(world), f"/patients/{world.ids.dana}/conversation"):
        html = client.get(path).text
        assert SCRIPT_RAW not in html
        assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in html
    printable = client.get(session_path(world) + "/print").text
    assert SCRIPT_RAW not in printable
    markdown = client.get(session_path(world) + "/summary.md").text
    assert SCRIPT_RAW not in markdown
    assert r"\<script\>" in markdown
    assert client.get(session_path(world) + "/summary.json").json()["transcript"]


def test_session_page_shows_summary_and_highlights_crisis_messages(
    world: World,
) -> None:
    html = world.client("alice").get(session_path(world)).text
    assert "Reflection summary: Dana Whitfield" in html
    assert "Call Sam on Sunday" in html
    flagged = re.findall(r'<li class="turn patient flagged">(.*?)</li>', html, re.S)
    assert len(flagged) == 3
    assert "I have the pills ready for tonight" in "".join(flagged)
    assert "flagged: imminent" in "".join(flagged)
    # Turns of the earlier sessions are not on this one's page.
    assert "Heavy limbs" not in html


def test_views_and_exports_are_audited(world: World) -> None:
    client = world.client("alice")
    ids = world.ids
    path = session_path(world)
    checks = [
        (path, "view_session", None),
        (f"/patients/{ids.dana}/conversation", "view_transcript", None),
        (path + "/summary.md", "export_session", "markdown"),
        (path + "/summary.json", "export_session", "json"),
        (path + "/print", "export_session", "print"),
        (
            f"/api/patients/{ids.dana}/sessions/r{ids.dana_reflections[-1]}",
            "view_session",
            None,
        ),
        (f"/api/sessions/{ids.summary_ids['dana']}", "view_session", None),
    ]
    for url, action, fmt in checks:
        before = len(audit_entries(world, action))
        assert client.get(url).status_code == 200, url
        entries = audit_entries(world, action)
        assert len(entries) == before + 1, url
        assert entries[-1].actor == EMAILS["alice"]
        assert entries[-1].actor_id == ids.alice
        if fmt:
            assert entries[-1].detail["format"] == fmt
    # A refused request leaves no trace of a view.
    before = len(audit_entries(world, "view_session"))
    assert world.client("bob").get(path).status_code == 404
    assert len(audit_entries(world, "view_session")) == before


def test_exports(world: World) -> None:
    client = world.client("alice")
    markdown = client.get(session_path(world) + "/summary.md")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "attachment" in markdown.headers["content-disposition"]
    assert "Dana" not in markdown.headers["content-disposition"]
    assert "## Transcript" in markdown.text
    assert "[flagged: imminent]" in markdown.text
    document = client.get(session_path(world) + "/summary.json").json()
    assert document["summary"]["status"] == "complete"
    assert document["summary"]["mood"] == {"before": 5, "after": 7}
    flagged = [t for t in document["transcript"] if t["flagged"]]
    assert [t["level"] for t in flagged] == ["high", "imminent", "moderate"]
    printable = client.get(session_path(world) + "/print")
    assert printable.headers["content-type"].startswith("text/html")
    assert "Transcript" in printable.text


def test_stored_summary_link_leads_to_its_session(world: World) -> None:
    ids = world.ids
    response = world.client("alice").get(f"/sessions/{ids.summary_ids['dana']}")
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"/patients/{ids.dana}/sessions/r")
    assert world.client("alice").get(response.headers["location"]).status_code == 200
    assert world.client("alice").get("/sessions/99999").status_code == 404


# -- admin ----------------------------------------------------------------------


def _post(client, url: str, **data):  # noqa: ANN001, ANN202
    return client.post(url, data={**data, "csrf_token": api_token(client)})


def test_admin_creates_a_therapist_who_can_log_in(fresh_world: World) -> None:
    admin = fresh_world.client("admin")
    response = _post(
        admin,
        "/admin/therapists",
        name="Jo Rivera",
        email="Jo@Clinic.test",
        password="a-long-password",
        role="therapist",
    )
    assert response.status_code == 303
    assert "Account created for Jo Rivera." in admin.get("/admin").text
    client = fresh_world.client()
    assert login(client, "jo@clinic.test", "a-long-password").status_code == 303
    assert client.get("/api/me").json()["role"] == "therapist"
    assert audit_entries(fresh_world, "create_clinician")


def test_admin_form_problems_are_explained(fresh_world: World) -> None:
    admin = fresh_world.client("admin")
    short = _post(
        admin,
        "/admin/therapists",
        name="Jo",
        email="jo@clinic.test",
        password="short",
        role="therapist",
    )
    assert short.status_code == 303
    assert "at least 12 characters" in admin.get("/admin").text
    _post(
        admin,
        "/admin/therapists",
        name="Al",
        email=EMAILS["alice"],
        password="a-long-password",
        role="therapist",
    )
    assert "An account with this email exists." in admin.get("/admin").text
    _post(admin, f"/admin/therapists/{fresh_world.ids.admin}/deactivate")
    assert "cannot deactivate your own account" in admin.get("/admin").text


def test_admin_creates_and_reassigns_a_patient(fresh_world: World) -> None:
    world = fresh_world
    admin = world.client("admin")
    response = _post(
        admin,
        "/admin/patients",
        display_name="Lee Park",
        therapist_id=str(world.ids.alice),
        locale="es",
    )
    assert response.status_code == 303
    with world.db.session() as s:
        lee = s.scalars(select(Patient).where(Patient.display_name == "Lee Park")).one()
        assert lee.therapist_id == world.ids.alice
        assert lee.locale == "es"
        assert lee.conversation_id.startswith("pt-")  # bot.store.cli's ids
        assert len(lee.conversation_id) > 20
        lee_id = lee.id
    alice, bob = world.client("alice"), world.client("bob")
    assert alice.get(f"/patients/{lee_id}").status_code == 200
    _post(admin, f"/admin/patients/{lee_id}/assign", therapist_id=str(world.ids.bob))
    assert alice.get(f"/patients/{lee_id}").status_code == 404
    assert bob.get(f"/patients/{lee_id}").status_code == 200
    assert audit_entries(world, "assign_patient")[-1].detail == {
        "from_therapist": world.ids.alice,
        "to_therapist": world.ids.bob,
    }


def test_admin_cannot_assign_to_an_inactive_therapist(fresh_world: World) -> None:
    admin = fresh_world.client("admin")
    _post(admin, f"/admin/therapists/{fresh_world.ids.casey}/deactivate")
    _post(
        admin,
        f"/admin/patients/{fresh_world.ids.dana}/assign",
        therapist_id=str(fresh_world.ids.casey),
    )
    assert "Choose an active therapist." in admin.get("/admin/patients").text
    with fresh_world.db.session() as s:
        assert (
            s.get(Patient, fresh_world.ids.dana).therapist_id == fresh_world.ids.alice
        )


def test_admin_creates_and_revokes_an_invite(fresh_world: World) -> None:
    world = fresh_world
    admin = world.client("admin")
    response = _post(admin, f"/admin/patients/{world.ids.riley}/invites")
    assert response.status_code == 200
    link = re.search(r'<p class="invite-link">([^<]+)</p>', response.text).group(1)
    assert link.startswith(world.config.clinic.chat_url)
    assert "/webhooks/patient/join?token=" in link
    # The link is shown once: not in the cookie, not on the list page.
    assert link not in admin.get("/admin/patients").text
    assert audit_entries(world, "create_invite")
    listing = admin.get("/admin/patients").text
    revoke = re.findall(r'action="/admin/invites/(\d+)/revoke"', listing)
    assert str(world.ids.dana_invite) in revoke
    assert (
        _post(admin, f"/admin/invites/{world.ids.dana_invite}/revoke").status_code
        == 303
    )
    listing = admin.get("/admin/patients").text
    assert f"/admin/invites/{world.ids.dana_invite}/revoke" not in listing
    assert "revoked" in listing


def test_audit_log_page_and_api(fresh_world: World) -> None:
    world = fresh_world
    world.client("alice").get(session_path(world))
    admin = world.client("admin")
    html = admin.get("/admin/audit").text
    assert "view session" in html and EMAILS["alice"] in html
    filtered = admin.get("/admin/audit", params={"actor": EMAILS["bob"]}).text
    assert EMAILS["alice"] not in filtered
    entries = admin.get("/api/audit").json()["entries"]
    assert any(
        e["action"] == "view_session" and e["actor"] == EMAILS["alice"] for e in entries
    )
    with world.db.session() as s:
        total = s.scalar(select(func.count(AuditEntry.id)))
    assert len(entries) == total


def test_api_docs_are_served_locally(world: World) -> None:
    client = world.client("alice")
    html = client.get("/api/docs").text
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html
    assert "http" not in re.sub(r'href="[^"]*"|src="[^"]*"', "", html.split("<main")[0])
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith(("/", "#")), src
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.0")
    assert "/api/escalations/{escalation_id}/acknowledge" in schema["paths"]
    assert "/admin" not in schema["paths"]
