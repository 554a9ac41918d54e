import pytest

from bot.traps import TrapDetector


@pytest.fixture(scope="session")
def detector() -> TrapDetector:
    return TrapDetector.load()
