"""``accountlink status`` as a user runs it, against a stopped system and a half-running one
(tests/e2e/test_status.py runs it against a whole running system)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accountlink.devtools.processes import free_ports

STATUS = [sys.executable, "-m", "accountlink.status"]  # the same as `accountlink status`


def run_status(*args: str, language: str = "C") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANGUAGE": language, "LC_ALL": "C.UTF-8"}
    return subprocess.run([*STATUS, *args], capture_output=True, text=True, timeout=120, check=False, env=env)


def closed_ports(count: int) -> list[int]:
    """Ports nothing listens on (free a moment ago)."""
    return free_ports(count)


class ReadyPlatform(BaseHTTPRequestHandler):
    """A platform whose /readyz says it is ready but its other platform is down."""

    def do_GET(self) -> None:
        body = json.dumps(
            {
                "status": "not_ready",
                "checks": {
                    "database": {"status": "ok"},
                    "cache": {"status": "ok"},
                    "other_platform": {"status": "down", "reason": "unreachable"},
                },
            }
        ).encode()
        self.send_response(503 if self.path == "/readyz" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def half_running() -> Iterator[int]:
    """One platform's web server answering /readyz; returns its port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ReadyPlatform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_a_stopped_system_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    consumer, business = closed_ports(2)
    result = run_status(
        "--data-dir", str(tmp_path / "var"), f"--consumer-port={consumer}", f"--business-port={business}"
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"accountlink: nothing answers on ports {consumer} and {business}; start it with `accountlink up`"
    )
    assert not (tmp_path / "var").exists()  # nothing was created on the way


def test_a_stopped_system_is_told_in_japanese(tmp_path: Path) -> None:
    consumer, business = closed_ports(2)
    result = run_status(f"--consumer-port={consumer}", f"--business-port={business}", language="ja")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "accountlink up" in result.stderr and "nothing answers" not in result.stderr


def test_a_half_running_system_says_what_is_down_and_exits_1(tmp_path: Path, half_running: int) -> None:
    [business] = closed_ports(1)
    result = run_status(
        "--data-dir", str(tmp_path / "missing"), f"--consumer-port={half_running}", f"--business-port={business}"
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"Loop (http://127.0.0.1:{half_running}): not ready",
        "  database: ok",
        "  cache: ok",
        "  other platform: down (unreachable)",
        "  backlog: unknown (the data directory could not be read)",
        f"Loop for Business (http://127.0.0.1:{business}): not running",
    ]


def test_status_json_names_every_platform(tmp_path: Path, half_running: int) -> None:
    [business] = closed_ports(1)
    result = run_status(
        "--json",
        "--data-dir",
        str(tmp_path / "missing"),
        f"--consumer-port={half_running}",
        f"--business-port={business}",
    )
    assert result.returncode == 1
    answer = json.loads(result.stdout)
    assert answer["consumer"]["status"] == "not_ready"
    assert answer["consumer"]["checks"]["other_platform"] == {"status": "down", "reason": "unreachable"}
    assert answer["business"] == {
        "url": f"http://127.0.0.1:{business}",
        "status": "not_running",
        "checks": {},
        "backlog": None,
    }
