"""The portal in headless Chromium: log in, read the queue, open a transcript,
acknowledge an escalation. Screenshots go to test-artifacts/portal/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.browser import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_AVAILABLE, free_port
from tests.portal.conftest import EMAILS, World, make_world
from tests.portal.portal_seed import PASSWORDS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM_AVAILABLE, reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[World, str]]:
    """The seeded portal served by uvicorn on a free loopback port."""
    world = make_world(tmp_path)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.05)
    yield world, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page():  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.problems = []  # console errors, CSP violations, failed requests
        page.dialogs = []  # an alert() would mean patient text ran as script
        page.on(
            "console",
            lambda m: page.problems.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on(
            "dialog", lambda dialog: (page.dialogs.append(dialog), dialog.dismiss())
        )
        yield page
        browser.close()


def shot(page, name: str) -> None:  # noqa: ANN001
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_log_in_review_and_acknowledge(portal, page) -> None:  # noqa: ANN001
    world, base = portal
    ids = world.ids

    page.goto(base + "/")
    assert page.url.startswith(base + "/login")
    shot(page, "01-login")
    page.fill("input[name=email]", EMAILS["alice"])
    page.fill("input[name=password]", PASSWORDS[EMAILS["alice"]])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")

    # The queue: the imminent escalation first, with its delivery status.
    assert page.locator("h1").inner_text() == "Escalation queue"
    cards = page.locator("article.esc")
    assert cards.count() == 2
    first = cards.nth(0)
    assert "IMMINENT" in first.inner_text().upper()
    assert "Plan or means" in first.inner_text()
    assert "connection refused" in first.inner_text()
    shot(page, "02-queue")

    # Dana's page: trend chart, then the session with the crisis messages.
    first.get_by_role("link", name="Dana Whitfield").click()
    page.wait_for_url(f"{base}/patients/{ids.dana}")
    assert page.locator("svg.trend circle").count() == 9
    shot(page, "03-patient")
    page.get_by_role("link", name="Session 3").click()
    page.wait_for_url(f"**/sessions/r{ids.dana_reflections[-1]}")
    assert page.locator("li.turn.flagged").count() == 3
    # Patient text with markup is shown as text, never run.
    page.get_by_text('<script>alert("owned")</script>', exact=False).first.wait_for()
    assert page.dialogs == []
    shot(page, "04-session")

    # The escalation itself, then acknowledge it from the queue.
    page.goto(f"{base}/escalations/{ids.dana_escalations['imminent']}")
    assert "I have the pills ready for tonight" in page.inner_text("main")
    shot(page, "05-escalation")
    page.goto(base + "/")
    first = page.locator("article.esc").nth(0)
    first.locator("summary", has_text="Acknowledge").click()
    first.locator("textarea[name=note]").fill("Phoned Dana; she is with her sister.")
    first.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(base + "/")
    assert "Escalation acknowledged." in page.inner_text("main")
    assert page.locator("article.esc").count() == 1
    acknowledged = page.locator(f"tr#escalation-{ids.dana_escalations['imminent']}")
    assert EMAILS["alice"] in acknowledged.inner_text()
    shot(page, "06-acknowledged")

    problems = [p for p in page.problems if "favicon.ico" not in p]
    assert problems == [], problems


def test_admin_pages_and_api_docs(portal, page) -> None:  # noqa: ANN001
    world, base = portal
    page.goto(base + "/login")
    page.fill("input[name=email]", EMAILS["admin"])
    page.fill("input[name=password]", PASSWORDS[EMAILS["admin"]])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(base + "/admin")
    shot(page, "07-admin-therapists")
    page.goto(base + "/admin/patients")
    shot(page, "08-admin-patients")
    row = page.locator("tr", has_text="Riley Chen")
    row.get_by_role("button", name="Create invite link").click()
    link = page.locator(".invite-link").inner_text()
    assert "/webhooks/patient/join?token=" in link
    shot(page, "09-admin-invite")
    page.goto(base + "/admin/audit")
    assert "create invite" in page.inner_text("main")
    shot(page, "10-admin-audit")
    # Swagger UI from local files, under the portal's CSP.
    page.goto(base + "/api/docs")
    page.locator(".opblock-summary-path", has_text="/api/escalations").first.wait_for()
    shot(page, "11-api-docs")
    problems = [p for p in page.problems if "favicon.ico" not in p]
    assert problems == [], problems
