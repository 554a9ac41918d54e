"""The chat page in headless Chromium on a phone-sized screen, on a stub bot.

Screenshots go to ``test-artifacts/chat/`` (git-ignored).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.channels.browser_phone import CHROMIUM_AVAILABLE, Phone

TYPED_ANSWER = "The music felt like a warm wave, and I thought of my sister."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM_AVAILABLE, reason="needs /usr/bin/chromium"),
]


def test_reflection_help_reload_and_sign_out(browser, stub_server):
    phone = Phone(browser)
    page = phone.page
    phone.open_invite(stub_server.invite(stub_server.make_patient()))
    assert page.url == stub_server.url()
    # Input becomes usable once the (empty) history has loaded.
    expect(page.get_by_text("Say hello to begin your reflection.")).to_be_visible()
    expect(page.get_by_label("Your message")).to_be_editable()
    phone.shot("01-joined")

    phone.type_and_send("Hello")
    assert phone.bubbles("bot")[-1].startswith("Hello, I'm Afterglow. Step 1 of 8")
    assert page.locator("#progress-text").inner_text() == "Step 1 of 8"
    phone.shot("02-step-1-buttons")

    phone.click_reply("Okay (4-6)")  # step 1 by button
    assert page.locator("#quick-replies button").count() == 0
    phone.type_and_send(TYPED_ANSWER)  # step 2 by typing
    assert phone.bubbles("user") == ["Hello", "Okay (4-6)", TYPED_ANSWER]
    assert page.locator("#progress-text").inner_text() == "Step 3 of 8"
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "3"
    phone.shot("03-step-3-typed")

    # Help opens at once from the page itself (no request), by keyboard.
    requests_before = len(phone.requests)
    page.locator(".clinic").click()  # focus navigation now starts at the top
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "help-open"
    page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Help right now").is_visible()
    assert len(phone.requests) == requests_before
    assert page.get_by_role("link", name="988").first.get_attribute("href") == "tel:988"
    assert page.evaluate("document.activeElement.id") == "help-heading"
    phone.shot("04-help")
    page.keyboard.press("Escape")
    assert not page.get_by_role("heading", name="Help right now").is_visible()
    assert page.evaluate("document.activeElement.id") == "help-open"

    transcript = (phone.bubbles("user"), phone.bubbles("bot"))
    page.reload()
    page.wait_for_function("document.querySelectorAll('#log .msg').length >= 6")
    assert (phone.bubbles("user"), phone.bubbles("bot")) == transcript
    assert page.locator("#progress-text").inner_text() == "Step 3 of 8"
    phone.shot("05-after-reload")

    page.get_by_role("button", name="Sign out of this device").click()
    page.wait_for_url(re.compile(r".*signed_out=1$"))
    assert page.get_by_role(
        "heading", name="You are signed out on this device"
    ).is_visible()
    assert phone.dialogs and "Sign out on this device?" in phone.dialogs[0]
    phone.shot("06-signed-out")
    page.goto(stub_server.url())
    expect(
        page.get_by_role("heading", name="This link has expired or is not valid")
    ).to_be_visible()
    # The only console error: the 403 status of the notice page itself.
    assert all("403" in error for error in phone.errors), phone.errors
    phone.close()


def test_another_patient_sees_only_their_own_conversation(browser, stub_server):
    first = Phone(browser)
    first.open_invite(stub_server.invite(stub_server.make_patient()))
    first.type_and_send("Only the first patient wrote this")

    second = Phone(browser, reduced_motion="reduce")
    second.open_invite(stub_server.invite(stub_server.make_patient(locale="es")))
    second.page.wait_for_selector("#status-hint:has-text('Saluda')")
    assert second.bubbles("user") == [] and second.bubbles("bot") == []
    assert "first patient" not in second.page.content()

    # While the bot is answering: typing indicator, input locked.
    before = len(second.bubbles("bot"))
    second.page.locator("#message").fill("slow")
    second.page.locator("#message").press("Enter")
    second.page.wait_for_selector("#typing", state="visible")
    assert second.page.locator("#message").get_attribute("readonly") is not None
    assert second.page.locator("#send").is_disabled()
    second.shot("07-typing")
    second.wait_for_reply(before)
    assert second.page.locator("#message").get_attribute("readonly") is None

    markup = "<img src=x onerror=alert(1)> <b>not bold</b>"
    second.type_and_send(markup)
    assert second.bubbles("user")[-1] == markup  # shown as text, never run
    assert second.page.locator("#log img, #log b").count() == 0
    assert second.dialogs == []
    second.shot("08-second-patient-es")

    second.page.reload()
    second.page.wait_for_selector("#log .msg-user >> nth=1")
    assert second.bubbles("user") == ["slow", markup]
    assert first.bubbles("user") == ["Only the first patient wrote this"]
    assert first.errors == [] and second.errors == []
    first.close()
    second.close()


def test_an_expired_link_shows_a_calm_notice_with_help(browser, stub_server):
    phone = Phone(browser)
    phone.page.goto(stub_server.url("join?token=forged"))
    expect(
        phone.page.get_by_role("heading", name="This link has expired or is not valid")
    ).to_be_visible()
    assert phone.page.get_by_role("link", name="988").first.is_visible()
    phone.shot("09-invalid-link")
    phone.close()


def test_a_link_opened_from_another_site_signs_in(browser, stub_server):
    # A SameSite=Strict cookie set during a navigation that began on another
    # site (a webmail page) is withheld for the rest of that navigation; the
    # join page's own same-site hop to the chat must still carry it.
    phone = Phone(browser)
    link = stub_server.invite(stub_server.make_patient())
    webmail = "http://mail.example.test/inbox"
    phone.page.route(
        webmail,
        lambda route: route.fulfill(
            content_type="text/html", body=f'<a id="invite" href="{link}">Open</a>'
        ),
    )
    phone.page.goto(webmail)
    phone.page.click("#invite")
    phone.page.wait_for_url("**/webhooks/patient/")
    expect(phone.page.get_by_label("Your message")).to_be_editable()
    phone.type_and_send("Hello")
    assert phone.bubbles("user") == ["Hello"]
    phone.close()
