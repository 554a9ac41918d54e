"""The chat page against the real servers (trained model, actions, worker).

Uses the end-to-end harness (``tests/e2e/stack.py``) with the development
``credentials.yml``, which mounts ``bot.channels.patient.PatientInput``.
Screenshots go to ``test-artifacts/chat/real-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bot.channels.invites import create_invite
from bot.store import Database
from tests.channels.browser_phone import CHROMIUM_AVAILABLE, Phone
from tests.channels.conftest import patient_factory
from tests.e2e.stack import MODEL, Stack

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM_AVAILABLE, reason="needs /usr/bin/chromium"),
]
BOT_TIMEOUT_MS = 90_000  # the first replies wait for the model to warm up
BODY_CHECK = "A little floaty still, no nausea."
HIGHLIGHT = "I saw my grandmother's kitchen and felt safe."


class RealServers:
    """The running stack, plus patients and invites in its database."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.database = Database(stack.db_url)
        self.database.create_schema()
        self.make_patient = patient_factory(self.database)
        self.base_url = f"http://127.0.0.1:{stack.rasa_port}"

    def invite(self, patient_id: int) -> str:
        _, url = create_invite(
            self.database,
            patient_id,
            base_url=self.base_url,
            secret_key=self.stack.env["AFTERGLOW_SECRET_KEY"],
        )
        return url

    def url(self, route: str = "") -> str:
        return f"{self.base_url}/webhooks/patient/{route}"


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[RealServers]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    stack = Stack(tmp_path_factory.mktemp("chat-stack"))
    try:
        stack.start_actions()
        stack.start_rasa()
        yield RealServers(stack)
    finally:
        stack.stop_all()


def test_a_reflection_in_the_browser_survives_a_reload(browser, servers):
    phone = Phone(browser, timeout_ms=BOT_TIMEOUT_MS)
    page = phone.page
    phone.open_invite(servers.invite(servers.make_patient()))
    expect(page.get_by_label("Your message")).to_be_editable()

    phone.type_and_send("Hello")
    phone.click_reply("Yes, let's start")
    assert "automated assistant" in " ".join(phone.bubbles("bot"))  # disclosure
    phone.click_reply("Yesterday")
    assert phone.progress() == "Step 1 of 8"
    phone.shot("real-01-step-1")

    phone.click_reply("4")  # mood, by button
    phone.click_reply("6")  # anxiety, by button
    phone.type_and_send(BODY_CHECK)  # body check, typed
    assert phone.progress() == "Step 2 of 8"
    phone.type_and_send(HIGHLIGHT)  # step 2, typed
    assert phone.progress() == "Step 3 of 8"
    assert phone.bubbles("user")[-5:] == ["Yesterday", "4", "6", BODY_CHECK, HIGHLIGHT]
    phone.shot("real-02-step-3")

    phone.page.get_by_role("link", name="Get help now").click()
    expect(page.get_by_role("heading", name="Help right now")).to_be_visible()
    phone.shot("real-03-help")
    page.keyboard.press("Escape")

    transcript = (phone.bubbles("user"), phone.bubbles("bot"))
    page.reload()
    page.wait_for_function(
        "n => document.querySelectorAll('#log .msg').length >= n",
        arg=len(transcript[0]) + len(transcript[1]),
    )
    assert (phone.bubbles("user"), phone.bubbles("bot")) == transcript
    assert phone.progress() == "Step 3 of 8"
    phone.shot("real-04-after-reload")
    assert phone.errors == []
    phone.close()


def test_another_patient_cannot_see_the_first_conversation(browser, servers):
    first = Phone(browser, timeout_ms=BOT_TIMEOUT_MS)
    first.open_invite(servers.invite(servers.make_patient()))
    first.type_and_send("Hello, this is the first patient")

    second = Phone(browser, timeout_ms=BOT_TIMEOUT_MS)
    second.open_invite(servers.invite(servers.make_patient()))
    expect(second.page.get_by_label("Your message")).to_be_editable()
    assert second.bubbles("user") == [] and second.bubbles("bot") == []
    second.type_and_send("Hello")
    assert "first patient" not in second.page.content()
    second.page.reload()
    second.page.wait_for_selector("#log .msg-bot")
    assert second.bubbles("user") == ["Hello"]
    assert "first patient" not in second.page.content()
    second.shot("real-05-second-patient")
    first.close()
    second.close()


def test_a_crisis_message_typed_in_the_page_gets_the_crisis_reply(browser, servers):
    phone = Phone(browser, timeout_ms=BOT_TIMEOUT_MS)
    phone.open_invite(servers.invite(servers.make_patient()))
    phone.type_and_send("i want to kill myself tonight")
    assert "988" in " ".join(phone.bubbles("bot"))
    expect(phone.page.get_by_role("link", name="Get help now")).to_be_visible()
    phone.shot("real-06-crisis-reply")
    phone.close()
