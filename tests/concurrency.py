"""Real concurrency for the PostgreSQL race tests: THREADS calls released at the same moment."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

from django.db import connections

from accountlink.kit.errors import CodedError

THREADS = 20


def in_parallel(function: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """``function(i)`` for each i below ``threads``, all released at once, in order of i.

    A coded refusal comes back as its code; each thread closes the connections it opened.
    """
    barrier = Barrier(threads)

    def run(number: int) -> Any:
        barrier.wait()
        try:
            return function(number)
        except CodedError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, range(threads)))
