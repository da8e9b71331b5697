"""``accountlink status`` and the health endpoints against the whole system started by ``accountlink up``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import urlsplit

from tests.e2e.conftest import RunningSystem

STATUS = [sys.executable, "-m", "accountlink.status"]  # the same as `accountlink status`


def test_status_says_both_platforms_are_ready_with_their_backlogs(system: RunningSystem) -> None:
    ports = [str(urlsplit(url).port) for url in (system.consumer_url, system.business_url)]
    command = [*STATUS, "--data-dir", str(system.data_dir), "--consumer-port", ports[0], "--business-port", ports[1]]
    env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C.UTF-8"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert f"Loop ({system.consumer_url}): ready" in lines
    assert f"Loop for Business ({system.business_url}): ready" in lines
    assert lines.count("  other platform: ok") == 2
    assert any(line.startswith("  backlog webhook: ") for line in lines)
    assert any(line.startswith("  backlog revocation: ") for line in lines)


def test_each_platform_finds_the_other_ready_and_echoes_the_request_id(system: RunningSystem) -> None:
    for url in (system.consumer_url, system.business_url):
        request = urllib.request.Request(f"{url}/readyz", headers={"X-Request-ID": "e2e-status-1"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["X-Request-ID"] == "e2e-status-1"
            assert json.load(response)["checks"]["other_platform"] == {"status": "ok"}
