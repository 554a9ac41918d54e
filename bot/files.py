"""Files the project creates hold health data or secrets: private to this account.

The modes are set explicitly, not left to the umask of whoever starts a process.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) with mode 0700."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=PRIVATE_DIR)
        folder.chmod(PRIVATE_DIR)


def make_private(path: str | Path) -> None:
    """Mode 0600 for ``path`` if it exists."""
    try:
        os.chmod(path, PRIVATE_FILE)
    except FileNotFoundError:
        pass
