"""A process gives back the memory of its password hashes (kit/passwords.py, issue 18): without the fixed
mmap threshold, four concurrent Argon2 verifications left ~76 MiB with the process for good."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, threading
import django
django.setup()
from django.contrib.auth.hashers import check_password, make_password

def rss_kib():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))

encoded = make_password("correct horse")
before = rss_kib()
threads = [threading.Thread(target=lambda: [check_password("correct horse", encoded) for _ in range(5)])
           for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"grown_kib": rss_kib() - before}))
"""


def grown_kib(**env: str) -> int:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "accountlink.settings.test_consumer", **env}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True, timeout=120
    )
    grown: int = json.loads(result.stdout.strip().splitlines()[-1])["grown_kib"]
    return grown


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
def test_four_concurrent_hashes_leave_no_memory_behind() -> None:
    hash_kib = 19 * 1024
    assert grown_kib() < hash_kib  # less than one hash's worth stays after four ran at once
