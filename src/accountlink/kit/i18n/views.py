"""The language switcher shared by both platforms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST


def language_view(save_for_account: Callable[[Any, str], None]) -> Callable[[HttpRequest], HttpResponse]:
    """A POST view that switches the language; ``save_for_account`` keeps it on a logged-in account."""

    @require_POST
    def switch_language(request: HttpRequest) -> HttpResponse:
        next_url = request.POST.get("next", "/")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = "/"
        response = HttpResponseRedirect(next_url)
        language = request.POST.get("language", "")
        if remember_language(response, language) and request.user.is_authenticated:
            save_for_account(request.user, language)
        return response

    return switch_language


def remember_language(response: HttpResponse, language: str) -> bool:
    """Keep ``language`` in the language cookie, if it is one of ours; says whether it was."""
    if language not in dict(settings.LANGUAGES) or not check_for_language(language):
        return False
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return True
