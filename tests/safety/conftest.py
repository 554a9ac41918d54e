"""Shared fixtures: one detector for the whole session (building it takes seconds)."""

import pytest

from bot.safety import CrisisDetector


@pytest.fixture(scope="session")
def detector() -> CrisisDetector:
    return CrisisDetector.load()


@pytest.fixture(autouse=True)
def no_silent_fallback(detector: CrisisDetector):
    """Every test also checks that no scan was rescued by the keyword fallback.

    The fallback keeps production safe if analysis ever fails, but in tests it
    would hide the bug behind a plausible verdict.
    """
    before = detector.failures
    yield
    assert detector.failures == before, "a scan raised internally and fell back"


@pytest.fixture
def level_of(detector: CrisisDetector):
    def scan(text: str, context=()) -> str:
        return detector.scan(text, context=context).level.label

    return scan
