"""Secrets the embedded demo generates once and keeps beside its databases."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def demo_secret(data_dir: Path, name: str) -> str:
    """Return the secret called ``name`` under ``data_dir``, creating it on first use."""
    path = data_dir / "secrets" / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, the first writer wins and both read its value.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
