"""Online-guessing protection (NIST SP 800-63B §5.2.2, OWASP ASVS 5.0 §6.3).

Every door where a person types a secret (a password, a code, a recovery link, a client secret)
calls :func:`begin` before it looks at the secret, then reports the outcome on the returned
:class:`Attempt`. Guesses are counted per *key*: the account (or, for an identifier that matches no
account, the identifier itself, so unknown accounts answer exactly like known ones), the client
address (IPv6 by /64), or a browser the account logged in from before (see ``devices``), which
keeps its own allowance while strangers hammer the account. A key's first few wrong guesses cost
nothing; then each one makes the next wait longer (2, 4, 8 … seconds); one guess past the limit
locks the key for 15 minutes, each further lock twice as long. Refused guesses are not counted and
the secret is not looked at.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from django.http import HttpRequest
from django.utils import timezone

from accountlink.kit import metrics
from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError, ErrorCode

from .devices import device_id
from .store import get_store

T = TypeVar("T")
# A code that was typed and judged wrong; other refusals (expired, none sent) judged nothing.
WRONG_CODE = {ErrorCode.CODE_INVALID, ErrorCode.CODE_TOO_MANY_ATTEMPTS}


@dataclass(frozen=True)
class Policy:
    free_failures: int  # failures before any wait
    lock_after: int  # guesses in a row that lock the key
    lock_seconds: int  # the first lock; each further lock of the key lasts twice as long
    max_lock_seconds: int = 24 * 3600
    forget_after: int = 24 * 3600  # a key's counts are forgotten this long after its last guess

    def wait_after(self, failures: int) -> int:
        """Seconds the next guess must wait after ``failures`` wrong guesses in a row (before the lock)."""
        if failures < self.free_failures:
            return 0
        return min(2 ** (failures - self.free_failures + 1), self.lock_seconds)

    def lock_for(self, locks: int) -> int:
        return min(self.lock_seconds * 2 ** max(0, locks - 1), self.max_lock_seconds)


DEFAULT_POLICIES = {
    # One account (or one unknown identifier), or one browser the account logged in from before.
    "account": Policy(free_failures=5, lock_after=10, lock_seconds=15 * 60),
    # One client address, across every account it tries.
    "client": Policy(free_failures=20, lock_after=50, lock_seconds=15 * 60),
}
# Doors whose secret has limits of its own: each code allows 5 tries, so a holder who mistypes
# twice and asks for a new code is not slowed down.
DOOR_POLICIES = {
    ("code", "account"): Policy(free_failures=10, lock_after=20, lock_seconds=15 * 60),
}


def override_errors(overrides: object) -> list[str]:
    """What is wrong with overrides of the policies (``ACCOUNTLINK_THROTTLE``): each must name a kind
    ("account", "client") or a door and a kind ("code.account") and set known fields to whole numbers
    (a lock only after one guess or more)."""
    if not isinstance(overrides, dict):
        return ['must be an object, such as {"account": {"lock_after": 8}}']
    fields = set(Policy.__dataclass_fields__)
    errors = []
    for name, values in overrides.items():
        if str(name).rpartition(".")[2] not in DEFAULT_POLICIES:
            errors.append(f"{name!r}: name a kind ({', '.join(DEFAULT_POLICIES)}) or a door and a kind (code.account)")
        elif not isinstance(values, dict):
            errors.append(f"{name!r}: must be an object of fields ({', '.join(sorted(fields))})")
        else:
            for field_name, value in values.items():
                low = 1 if field_name == "lock_after" else 0
                if field_name not in fields:
                    errors.append(f"{name}.{field_name}: unknown field (known: {', '.join(sorted(fields))})")
                elif isinstance(value, bool) or not isinstance(value, int) or value < low:
                    errors.append(f"{name}.{field_name}: must be a whole number of at least {low}")
    return errors


def policy(kind: str, door: str = "") -> Policy:
    """The policy for a kind of key at a door; ``ACCOUNTLINK_THROTTLE`` overrides its fields by
    kind ("account", "client") or by door and kind ("code.account")."""
    base = DOOR_POLICIES.get((door, kind), DEFAULT_POLICIES[kind])
    overrides = platform_settings.THROTTLE
    return replace(base, **overrides.get(kind, {}), **overrides.get(f"{door}.{kind}", {}))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Key:
    kind: str  # "account" or "client"
    value: str  # already hashed or an id

    def storage_key(self, door: str) -> str:
        return f"{door}:{self.kind}:{self.value}"


def account_key(account: object | None, identifier: str = "") -> Key:
    """The account's key, or the typed identifier's when it matches no account."""
    pk = getattr(account, "pk", None)
    if pk is not None:
        return Key("account", f"id{pk}")
    return Key("account", "ident" + _digest(" ".join(identifier.split()).casefold()))


def named_key(name: str) -> Key:
    """A key for something that is not an account, such as an OAuth client or a recovery link."""
    return Key("account", "name" + _digest(name))


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or the address the trusted proxies saw
    (``ACCOUNTLINK_TRUSTED_PROXY_COUNT`` proxies in front of the web processes)."""
    proxies = platform_settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "") or ""
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return address


def client_key(request: HttpRequest) -> Key:
    """The client address; IPv6 addresses count by their /64, which one subscriber usually holds."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return Key("client", "raw" + _digest(address))
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return Key("client", str(ip.ipv4_mapped))
        return Key("client", str(ipaddress.ip_network(f"{ip}/64", strict=False)))
    return Key("client", str(ip))


def _count(door: str, key: Key, now: datetime) -> int:
    """Count one guess; past the limit, lock the key and return the seconds of the lock (else 0)."""
    store, rules, name = get_store(), policy(key.kind, door), key.storage_key(door)
    keep = timedelta(seconds=rules.forget_after)
    if store.add(name, "attempts", 1, keep) <= rules.lock_after:
        return 0
    lock = rules.lock_for(store.add(name, "locks", 1, keep))
    store.block(name, now + timedelta(seconds=lock), keep)
    store.reset_attempts(name)
    return lock


@dataclass(frozen=True)
class Attempt:
    """One guess at a door, reported with :meth:`failed`, :meth:`succeeded` or :meth:`withdrawn`.

    Counted before the secret is checked (so a burst of parallel guesses cannot all pass), unless
    begun with ``count_first=False``: then only a wrong guess is written, which suits a door hit by
    every request of a working client (the OAuth token endpoint) and a secret no one can guess
    online (a client secret of 256 bits)."""

    door: str
    keys: list[Key]
    counted: bool = True

    def failed(self) -> None:
        """Make the next guess wait, longer after each wrong one."""
        store, now = get_store(), timezone.now()
        for key in self.keys:
            rules, name = policy(key.kind, self.door), key.storage_key(self.door)
            keep = timedelta(seconds=rules.forget_after)
            if not self.counted and _count(self.door, key, now):
                continue  # that guess locked the key
            wait = rules.wait_after(store.add(name, "attempts", 0, keep))
            if wait:
                store.block(name, now + timedelta(seconds=wait), keep)

    def succeeded(self) -> None:
        """A right guess forgets the account's (or trusted browser's) count; a client address only
        takes this guess back, so one right password does not buy fresh guesses at other accounts."""
        if not self.counted:
            return
        store = get_store()
        for key in self.keys:
            name = key.storage_key(self.door)
            if key.kind == "account":
                store.clear(name)
            else:
                store.add(name, "attempts", -1, timedelta(seconds=policy(key.kind, self.door).forget_after))

    def withdrawn(self) -> None:
        """The secret was never judged (an expired code, say): the guess is taken back."""
        if not self.counted:
            return
        store = get_store()
        for key in self.keys:
            keep = timedelta(seconds=policy(key.kind, self.door).forget_after)
            store.add(key.storage_key(self.door), "attempts", -1, keep)


def begin(
    door: str, keys: list[Key], *, count_first: bool = True, blocked: dict[str, datetime] | None = None
) -> Attempt:
    """Count a guess at ``door`` against every key, or refuse it with ``auth.throttled`` (and how
    long to wait) while a key must wait or has used up its guesses. ``blocked`` is the store's answer
    about these keys when the caller has read it already."""
    store, now = get_store(), timezone.now()
    names = [key.storage_key(door) for key in keys]
    if blocked is None:
        blocked = store.blocked_until_each(names)  # one read for every key
    waits = [(until - now).total_seconds() for name in names if (until := blocked.get(name)) and until > now]
    wait = max(waits, default=0.0)
    if wait <= 0 and count_first:
        wait = max([_count(door, key, now) for key in keys], default=0)
    if wait > 0:
        metrics.record_throttled(door)
        raise CodedError(ErrorCode.AUTH_THROTTLED, seconds=math.ceil(wait))
    return Attempt(door, keys, counted=count_first)


def keys_for(request: HttpRequest, account: object | None = None, identifier: str = "") -> list[Key]:
    """A browser the account logged in from before counts on its own; any other guess counts
    against the account (or the typed identifier) and the client address."""
    device = device_id(request, account)
    if device is not None:
        return [Key("account", f"dev{getattr(account, 'pk', '')}:{device}")]
    return [account_key(account, identifier), client_key(request)]


def guard(request: HttpRequest, door: str, account: object | None = None, identifier: str = "") -> Attempt:
    """Start a guess at ``door`` for ``account`` (or for ``identifier`` when no account matches).
    Raises ``auth.throttled``."""
    return begin(door, keys_for(request, account, identifier))


def guarded_code(request: HttpRequest, account: object | None, destination: str, redeem: Callable[[], T]) -> T:
    """Run ``redeem`` (an action that checks a typed verification code) as one guess at the "code"
    door, shared by every code page: sign-up, reset, staff sign-in, unlink, contact change, recovery."""
    attempt = guard(request, "code", account, destination)
    try:
        result = redeem()
    except CodedError as error:
        if error.code in WRONG_CODE:
            attempt.failed()
        else:
            attempt.withdrawn()
        raise
    attempt.succeeded()
    return result


@contextmanager
def password_guess(request: HttpRequest, account: object, password: str | None) -> Iterator[None]:
    """A signed-in page that asks for the current password counts it at the "login" door, so the
    password has one allowance wherever it is typed. The body raises ``password.incorrect``."""
    if not password:
        yield
        return
    attempt = guard(request, "login", account)
    try:
        yield
    except CodedError as error:
        if error.code == ErrorCode.PASSWORD_INCORRECT:
            attempt.failed()
        else:
            attempt.withdrawn()
        raise
    attempt.succeeded()
