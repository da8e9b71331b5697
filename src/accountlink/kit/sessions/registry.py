"""Reading the registry: the session a request belongs to, and the live sessions of an account."""

from __future__ import annotations

import ipaddress
import re
from importlib import import_module
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from accountlink.kit.throttle.guard import client_address

from .models import AccountSession

# Where a signed-in session keeps the ``public_id`` of its row.
SESSION_ID_KEY = "_account_session"
PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def session_id(request: HttpRequest) -> str | None:
    value = request.session.get(SESSION_ID_KEY)
    return value if isinstance(value, str) else None


def current_session(request: HttpRequest) -> AccountSession | None:
    """The row of the request's session (set by the middleware), or None for anonymous requests."""
    row = getattr(request, "account_session", None)
    return row if isinstance(row, AccountSession) else None


def session_row(request: HttpRequest) -> AccountSession | None:
    """The row the session names now (after a login in this request, the new one)."""
    public_id = session_id(request)
    return AccountSession.objects.filter(public_id=public_id).first() if public_id else None


def ip_of(request: HttpRequest) -> str | None:
    """The client's address as a valid IP, or None (the test client and some proxies send none)."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def user_agent_of(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def session_store() -> Any:
    """The SessionStore class of the configured engine (db or cached_db; see ``checks``)."""
    return import_module(settings.SESSION_ENGINE).SessionStore


def existing_keys(keys: list[str]) -> set[str]:
    """Which of these session keys still name a session that has not expired."""
    if not keys:
        return set()
    model = session_store().get_model_class()
    return set(
        model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list("session_key", flat=True)
    )


def live_sessions(account: Any) -> list[AccountSession]:
    """The account's signed-in browsers, most recently active first. A row whose session expired on
    its own (two weeks without a visit) is not listed: that browser is logged out already."""
    rows = list(
        AccountSession.objects.filter(account=account, ended_at__isnull=True).order_by("-last_active_at", "-pk")
    )
    alive = existing_keys([row.session_key for row in rows])
    return [row for row in rows if row.session_key in alive]


def is_public_id(value: str) -> bool:
    return bool(PUBLIC_ID.match(value))
