"""The one way the end-to-end tests wait for something another process does (STYLE rule 14).

Workers, web servers and the outbox live in other processes, so a test asks again until the answer
comes, within a deadline, and says what never came. Playwright's ``expect`` waits for what a page
shows; everything else waits here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(
    probe: Callable[[], T], *, timeout: float, interval: float = 0.1, failure: str | Callable[[], str] = ""
) -> T:
    """Call ``probe`` until it returns something truthy, and return that.

    After ``timeout`` seconds: AssertionError with ``failure`` (a text, or a function that writes it
    at that moment, say with the end of a log)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError((failure() if callable(failure) else failure) or f"not true within {timeout} s")
        time.sleep(interval)


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.01) -> float:
    """Poll ``condition`` until true; return the seconds it took (the benchmarks report them)."""
    started = time.perf_counter()
    eventually(condition, timeout=timeout, interval=interval)
    return time.perf_counter() - started
