"""Client secrets: the throttle of OAuth client authentication (DESIGN §8).

Wrong client secrets count per client (the presented client key, known or not) and per client
address, like passwords. A client key is public (it is in every authorization link), so a count per
client alone would let anyone lock the client's own servers out with a few wrong secrets. An address
that authenticated as the client before is therefore remembered, the machine's counterpart of a
browser an account logged in from (``devices``): its guesses count on an allowance of its own, per
client and address, and strangers' guesses do not touch it.

A working client costs one read a request: the blocks of its keys and whether its address is
remembered come back together. An address is written down at its first success, and again at its
first success after ``REMEMBER`` has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from .guard import Attempt, begin, client_key, named_key
from .store import get_store

DOOR = "client_auth"
REMEMBER = timedelta(days=30)


@dataclass(frozen=True)
class ClientAttempt:
    """One client authentication, reported with :meth:`failed` or :meth:`succeeded`."""

    attempt: Attempt
    remember_as: str | None  # the address's storage name, when it is not remembered yet

    def failed(self) -> None:
        self.attempt.failed()

    def succeeded(self) -> None:
        """The client proved its secret from this address: remember the address."""
        if self.remember_as is not None:
            get_store().remember(self.remember_as, timezone.now() + REMEMBER)


def begin_client_auth(request: HttpRequest, client: str) -> ClientAttempt:
    """Start the authentication of ``client`` (the presented client key) from the request's address;
    raises ``auth.throttled`` while the keys it counts on must wait."""
    address = client_key(request)
    own = named_key(f"client:{client}@{address.value}")
    shared = [named_key(f"client:{client}"), address]
    remembered = f"{DOOR}:known:{own.value}"
    names = [key.storage_key(DOOR) for key in (own, *shared)]
    blocked = get_store().blocked_until_each([*names, remembered])  # one read
    known = remembered in blocked and blocked[remembered] > timezone.now()
    attempt = begin(DOOR, [own] if known else shared, count_first=False, blocked=blocked)
    return ClientAttempt(attempt, None if known else remembered)
