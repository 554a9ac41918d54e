"""Headless Chromium as a phone, for the chat page tests."""

from __future__ import annotations

from pathlib import Path

from tests.browser import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_AVAILABLE  # noqa: F401

PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "chat"


class Phone:
    """One browser context (one device), recording errors, dialogs and requests."""

    def __init__(self, browser, timeout_ms: int = 15_000, **options) -> None:
        self.context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, **options
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(timeout_ms)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)

    def open_invite(self, link: str) -> None:
        """Follow an invite link and wait for the chat page it leads to."""
        self.page.goto(link)
        self.page.wait_for_url("**/webhooks/patient/")

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()

    def bubbles(self, sender: str) -> list[str]:
        """Message texts, without the hidden "You: " / "Afterglow: " label."""
        bubbles = self.page.locator(f"#log .msg-{sender} .bubble")
        return [text.split(": ", 1)[1] for text in bubbles.all_text_contents()]

    def wait_for_reply(self, bot_count: int) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('#log .msg-bot').length > n"
            " && document.getElementById('typing').hidden",
            arg=bot_count,
        )

    def type_and_send(self, text: str) -> None:
        before = len(self.bubbles("bot"))
        box = self.page.locator("#message")
        box.fill(text)
        box.press("Enter")
        self.wait_for_reply(before)

    def click_reply(self, title: str) -> None:
        before = len(self.bubbles("bot"))
        self.page.locator("#quick-replies").get_by_role(
            "button", name=title, exact=True
        ).click()
        self.wait_for_reply(before)

    def reply_titles(self) -> list[str]:
        return self.page.locator("#quick-replies button").all_inner_texts()

    def progress(self) -> str:
        return self.page.locator("#progress-text").inner_text()

    def settle(self) -> None:
        """Wait until smooth scrolling has stopped."""
        self.page.evaluate(
            """() => new Promise(resolve => {
                let last = -1, still = 0;
                const tick = () => {
                    const top = Math.round(window.scrollY +
                        (document.getElementById('chat') || {scrollTop: 0}).scrollTop);
                    still = top === last ? still + 1 : 0;
                    last = top;
                    still >= 5 ? resolve() : requestAnimationFrame(tick);
                };
                tick();
            })"""
        )

    def shot(self, name: str) -> None:
        self.settle()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def close(self) -> None:
        self.context.close()
