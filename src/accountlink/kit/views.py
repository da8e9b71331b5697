"""View helpers both platforms use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.sessions.conf import reauthentication_window

LOGGED_IN_WITH_EMAIL = "logged_in_with_email"


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def language_of(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE)[:2]


def contact_to_session(contact: Contact) -> dict[str, str]:
    return {"channel": str(contact.channel), "value": contact.value}


def contact_from_session(data: dict[str, str]) -> Contact:
    return Contact(Channel(data["channel"]), data["value"])


def mark_authenticated_now(request: HttpRequest) -> None:
    """A login or "Confirm it's you" just now: sensitive changes are allowed for a while (``kit.sessions.reauth``)."""
    request.session["auth_time"] = timezone.now().timestamp()


def recently_authenticated(request: HttpRequest) -> bool:
    stamp = request.session.get("auth_time")
    window = reauthentication_window().total_seconds()
    return isinstance(stamp, float) and 0 <= timezone.now().timestamp() - stamp < window


def remember_login_identifier(request: HttpRequest, identifier: str) -> None:
    """Whether the holder typed an email address to log in (not the address itself), so that a
    dialog sending a code can offer first the address they just used (the Unlink dialog)."""
    request.session[LOGGED_IN_WITH_EMAIL] = "@" in identifier


def logged_in_with_email(request: HttpRequest) -> bool | None:
    """True or False after a password login (an email, or something else, was typed); None when the
    holder logged in another way (say with Loop) or before this was recorded."""
    answer = request.session.get(LOGGED_IN_WITH_EMAIL)
    return answer if isinstance(answer, bool) else None


def posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to, or None. An empty POST still binds (and fails validation)."""
    return request.POST if request.method == "POST" else None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A translated page instead of Django's technical one; nothing was changed."""
    return render(request, "403_csrf.html", status=403)
