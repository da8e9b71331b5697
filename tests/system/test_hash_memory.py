"""Password hashes reuse their memory (kit/passwords.py, issue 18). Each Argon2 hash needs 19 MiB:
- when every request thread hashed for itself, four concurrent verifications left ~76 MiB with the
  process for good (each thread's glibc arena kept its block);
- when that memory went back to the system after every hash, the kernel mapped and zeroed 19 MiB again
  for each one: ~4,900 page faults and ~15 ms of system time per hash.
In the process's one hashing thread the block is allocated once and reused."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, resource, threading
import django
django.setup()
from accountlink.kit.passwords import Argon2idHasher

def rss_kib():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))

hasher = Argon2idHasher()  # the production hasher (the test settings' is a fast one)
encoded = hasher.encode("correct horse", hasher.salt())
assert hasher.verify("correct horse", encoded) and not hasher.verify("wrong horse", encoded)
before, faults = rss_kib(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
threads = [threading.Thread(target=lambda: [hasher.verify("correct horse", encoded) for _ in range(5)])
           for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"grown_kib": rss_kib() - before,
                  "faults_per_hash": (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / 20}))
"""

HASH_KIB = 19 * 1024
pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")


@pytest.fixture(scope="module")
def probe() -> dict[str, float]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "accountlink.settings.test_consumer"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True, timeout=120
    )
    answer: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_four_concurrent_hashes_leave_no_memory_behind(probe: dict[str, float]) -> None:
    assert probe["grown_kib"] < HASH_KIB / 4  # a quarter of one hash's worth, after twenty more


def test_a_hash_does_not_map_its_memory_again(probe: dict[str, float]) -> None:
    # 19 MiB in 4 KiB pages is 4,864 faults when the block is mapped afresh for every hash.
    assert probe["faults_per_hash"] < 500
