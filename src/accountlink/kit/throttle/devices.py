"""Browsers an account has logged in from before (OWASP's "device cookie").

After a successful login the browser gets a signed cookie naming the accounts that logged in there.
Guesses from such a browser for one of those accounts count against the browser's own allowance,
not the account's, so an attacker who hammers an account from elsewhere cannot lock its holder out.
The cookie also tells a login from a browser never seen on the account, which sends a security
alert.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

SALT = "accountlink.kit.throttle.device"
MAX_ACCOUNTS = 5  # accounts remembered per browser
MAX_AGE = 365 * 24 * 3600


def cookie_name() -> str:
    """``loop_device`` on Loop, ``lfb_device`` on Loop for Business."""
    return str(settings.SESSION_COOKIE_NAME).removesuffix("_session") + "_device"


def _read(request: HttpRequest) -> dict[str, Any] | None:
    raw = request.COOKIES.get(cookie_name())
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str) or not isinstance(data.get("a"), list):
        return None
    return data


def device_id(request: HttpRequest, account: Any) -> str | None:
    """This browser's id if ``account`` logged in from it before, else None."""
    data = _read(request)
    if data is None or account is None or getattr(account, "pk", None) not in data["a"]:
        return None
    return str(data["d"])


def is_known_device(request: HttpRequest, account: Any) -> bool:
    return device_id(request, account) is not None


def remember_device(request: HttpRequest, response: HttpResponse, account: Any) -> None:
    """After a successful login: add the account to this browser's cookie (made on first login)."""
    data = _read(request) or {"d": secrets.token_hex(16), "a": []}
    others = [pk for pk in data["a"] if pk != account.pk]
    accounts = [*others[-(MAX_ACCOUNTS - 1) :], account.pk]
    response.set_cookie(
        cookie_name(),
        signing.dumps({"d": data["d"], "a": accounts}, salt=SALT),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
