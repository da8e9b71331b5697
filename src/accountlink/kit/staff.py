"""Staff pages: who may open them, and the shorter, second-factor staff session (DESIGN §8).

A staff member's session is marked when they finish signing in with their code, and it expires
after ``ACCOUNTLINK_STAFF_SESSION_SECONDS``. A staff page refuses any other session: anonymous
visitors go to the login page, people without the role get the platform's "Access denied" page
(403), and a staff account whose session never passed the code is logged out and sent to log in again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accountlink.kit.conf import platform_settings

STAFF_SESSION_KEY = "staff_verified_at"


def start_staff_session(request: HttpRequest) -> None:
    request.session[STAFF_SESSION_KEY] = timezone.now().timestamp()
    request.session.set_expiry(platform_settings.STAFF_SESSION_SECONDS)


def is_staff_session(request: HttpRequest) -> bool:
    stamp = request.session.get(STAFF_SESSION_KEY)
    return isinstance(stamp, float) and timezone.now().timestamp() - stamp < platform_settings.STAFF_SESSION_SECONDS


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, f"{platform_settings.TEMPLATE_DIR}/forbidden.html", status=403)


def staff_only(allowed: Callable[[Any], bool]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For a staff page: ``allowed(user)`` says whether the user's role may open it."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(user):
                return forbidden(request)
            if not is_staff_session(request):
                logout(request)
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_support_agent(user: Any) -> bool:
    return bool(getattr(user, "is_support_agent", False))


def is_account_manager(user: Any) -> bool:
    return bool(getattr(user, "is_account_manager", False))
