"""The application signing key (invite links, device and portal sessions).

Production sets ``AFTERGLOW_SECRET_KEY``. A development checkout without it
gets a random key kept in ``var/secret_key`` (mode 0600), so links and
sessions survive restarts.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from bot.files import private_folder

SECRET_KEY_ENV = "AFTERGLOW_SECRET_KEY"
DEV_KEY_PATH = Path(__file__).resolve().parents[1] / "var" / "secret_key"
MIN_KEY_LENGTH = 32


class SecretKeyError(RuntimeError):
    """The configured secret key is unusable."""


def get_secret_key(dev_key_path: Path = DEV_KEY_PATH) -> str:
    """The signing key: ``$AFTERGLOW_SECRET_KEY``, else the development key file.

    Raises:
        SecretKeyError: if the key from the environment is too short to be safe.
    """
    key = os.environ.get(SECRET_KEY_ENV, "")
    if key:
        if len(key) < MIN_KEY_LENGTH:
            raise SecretKeyError(
                f"{SECRET_KEY_ENV} must be at least {MIN_KEY_LENGTH} characters"
            )
        return key
    return _dev_key(dev_key_path)


def _dev_key(path: Path) -> str:
    private_folder(path.parent)
    try:
        # O_EXCL: when two processes start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_dev_key(path)
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def _read_dev_key(path: Path) -> str:
    # Another process may have created the file and not written it yet.
    for _ in range(20):
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= MIN_KEY_LENGTH:
            return key
        time.sleep(0.05)
    raise SecretKeyError(f"{path} holds no usable key; delete it")
