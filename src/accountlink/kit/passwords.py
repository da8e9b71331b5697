"""Password hashing with the OWASP Argon2id parameters (m=19 MiB, t=2, p=1), and where the hashes run.

Every hash of a process runs in the process's own hashing thread (``ACCOUNTLINK_PASSWORD_HASH_THREADS``,
one by default; ``accountlink up`` runs a web worker process per core), and the request's thread waits
for it.
Two reasons, both measured under concurrent logins (issue 18, docs/performance.md):

- Memory. Each hash allocates 19 MiB and frees it. After the first free glibc keeps such blocks in the
  arena of the thread that freed them, so a web worker whose 4 threads each hashed kept ~80 MiB for
  good. In one thread the 19 MiB are allocated once and reused: a worker keeps one hash's memory.
- CPU. Giving the memory back after every hash instead (a fixed mmap threshold, the first fix tried)
  made the kernel map and zero 19 MiB again for each hash: ~15 ms of system time on top of the hash's
  ~30 ms. And four threads hashing at once on two cores only take turns; a queue in front of the
  cores gives the same throughput with each hash finishing sooner.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

T = TypeVar("T")

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        return in_hashing_thread(super().encode, password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        return in_hashing_thread(super().verify, password, encoded)


def in_hashing_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` run in this process's hashing thread; its answer, or its exception."""
    global _executor
    with _lock:
        if _executor is None:
            threads = getattr(settings, "ACCOUNTLINK_PASSWORD_HASH_THREADS", 1)
            _executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="password-hash")
        executor = _executor
    return executor.submit(function, *args).result()


def _forget_executor() -> None:
    """A forked child has none of its parent's threads: it starts its own when it first hashes."""
    global _executor, _lock
    _executor, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_executor)
