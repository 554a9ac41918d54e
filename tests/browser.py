"""Headless Chromium for the browser tests: Debian's build, with the flags that
keep it off the network (this machine has none) and working as root."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.stack import free_port  # noqa: F401 - one helper for every server test

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_AVAILABLE = Path(CHROMIUM).exists()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
