"""Fixtures that run Afterglow's real servers (see ``stack.py``)."""

from __future__ import annotations

import pytest

from tests.e2e.stack import MODEL, Stack


def pytest_collection_modifyitems(items):  # noqa: ANN001
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):  # noqa: ANN001
    """Rasa + actions + worker with private databases, for one test module."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    running = Stack(tmp_path_factory.mktemp("stack"))
    try:
        running.start_actions()
        running.start_rasa()
        running.start_worker()
        yield running
    finally:
        running.stop_all()
