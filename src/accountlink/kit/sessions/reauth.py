"""A recent authentication for sensitive changes (DESIGN §8), asked for in place.

A login, or "Confirm it's you" (the password, or on Loop for Business the linked Loop account),
counts as recent for 10 minutes. A page that needs one sends the person to "Confirm it's you" and
back: a GET to the same address; a POST, whose data is not kept, to the page it was sent from, so
the person presses the button again there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from accountlink.kit.views import recently_authenticated

View = Callable[..., HttpResponse]


def reauthentication_url(url_name: str, next_url: str, *, retry: bool = False) -> str:
    query = {"next": next_url, **({"retry": "1"} if retry else {})}
    return f"{reverse(url_name)}?{urlencode(query)}"


def ask_to_reauthenticate(request: HttpRequest, url_name: str, back_to: str | None = None) -> HttpResponseRedirect:
    """To "Confirm it's you" (``url_name``), then back: here for a GET, ``back_to`` (this path by
    default, which shows the form again) for an interrupted POST."""
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(reauthentication_url(url_name, request.get_full_path()))
    return HttpResponseRedirect(reauthentication_url(url_name, back_to or request.path, retry=True))


def recent_login_required(url_name: str, *, unless: Callable[[Any], bool] | None = None) -> Callable[[View], View]:
    """Decorate a signed-in view (inside ``login_required``) that needs a recent authentication.

    ``unless(account)`` exempts accounts that prove themselves on the page itself (a current
    password field)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if recently_authenticated(request) or (unless is not None and unless(request.user)):
                return view(request, *args, **kwargs)
            return ask_to_reauthenticate(request, url_name)

        return wrapped

    return decorator
