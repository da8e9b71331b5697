"""When to try again: exponential backoff with jitter, shared by webhook deliveries and revocations."""

from __future__ import annotations

import random
from datetime import timedelta

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 3600.0


def next_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1 s, 2 s, 4 s … up to an hour, each scaled
    by a random factor in [0.5, 1) so that many retries started together spread out ("equal jitter").
    """
    ceiling = min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** max(0, attempts - 1))
    factor = 0.5 + 0.5 * (rng or random).random()
    return timedelta(seconds=ceiling * factor)
