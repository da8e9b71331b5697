from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_client: ContextVar[tuple[str | None, str]] = ContextVar("accountlink_audit_client", default=(None, ""))


@contextmanager
def request_context(ip: str | None, user_agent: str) -> Iterator[None]:
    token = _client.set((ip, user_agent))
    try:
        yield
    finally:
        _client.reset(token)


def current_client() -> tuple[str | None, str]:
    return _client.get()
