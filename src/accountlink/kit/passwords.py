"""Password hashing with the OWASP Argon2id parameters (m=19 MiB, t=2, p=1), and the memory it borrows.

Each verification allocates its 19 MiB and frees it. glibc serves a block that large with mmap and
unmaps it on free, but after the first such free it raises its mmap threshold to the freed size, so
later hashes come from the heap of the thread's arena and stay with the process: a web worker with 4
threads grew ~80 MiB under concurrent logins and kept it (issue 18). ``return_hash_memory`` fixes the
threshold at 1 MiB, so every hash's memory goes back to the system when the hash is done; a worker's
peak is then bounded by its threads (4 times 19 MiB at once), not by its history.
"""

from __future__ import annotations

import ctypes
import ctypes.util

from django.contrib.auth.hashers import Argon2PasswordHasher

# mallopt(3): M_MMAP_THRESHOLD; setting it also turns glibc's dynamic threshold off.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 1024 * 1024


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


def return_hash_memory() -> bool:
    """Fix the C library's mmap threshold (glibc), once per process; False where there is no mallopt."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    except (OSError, AttributeError, TypeError):  # no C library found, or one without mallopt (musl)
        return False
