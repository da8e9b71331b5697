"""``accountlink help-screenshots --language ja`` refuses, in one line, to bake empty boxes into the
Japanese help pictures on a machine without a Japanese font (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def fake_fc_list(directory: Path, output: str) -> dict[str, str]:
    """An environment whose ``fc-list`` prints ``output`` whatever it is asked."""
    script = directory / "fc-list"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{output}'\n")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{directory}{os.pathsep}{os.environ['PATH']}", "LANGUAGE": "C", "LC_ALL": "C.UTF-8"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "accountlink.cli", "help-screenshots", "--chromium", sys.executable, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=env)


def test_without_a_japanese_font_the_japanese_pictures_are_refused(tmp_path: Path) -> None:
    result = run(fake_fc_list(tmp_path, ""), "--language", "en", "--language", "ja", "--out", str(tmp_path / "shots"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "accountlink: no font for ja: the pictures would show empty boxes; install fonts-noto-cjk "
        "(scripts/ensure-system-packages.sh chromium)"
    )
    assert not (tmp_path / "shots").exists()  # refused before anything started


def test_a_japanese_font_is_found_through_fontconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accountlink.devtools import screenshots

    assert screenshots.has_font_for("en") and screenshots.has_font_for("es")  # no special font needed
    monkeypatch.setenv("PATH", fake_fc_list(tmp_path, "Noto Sans CJK JP\n")["PATH"])
    assert screenshots.has_font_for("ja")
    fake_fc_list(tmp_path, "")
    assert not screenshots.has_font_for("ja")
