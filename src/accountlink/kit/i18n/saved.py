"""The language saved on an account applies when it logs in on a browser that has not chosen one.

A browser keeps the language its person chose in the language cookie (the switcher sets it, and a
logged-in switch also saves it on the account: ``views.language_view``). A browser without that
cookie has chosen nothing; it only says what its system prefers (Accept-Language). When an account
logs in there (Django's ``user_logged_in``, whichever door the login came through), the account's
saved language is used from then on: for the rest of the request, and through the cookie set on its
response (:class:`SavedLanguageMiddleware`). A browser that has chosen keeps its choice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .views import remember_language

LANGUAGE_AT_LOGIN = "_language_at_login"


def apply_saved_language(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: on a browser with no language of its own, the account's from now on."""
    if request is None or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    language = getattr(user, "language", "")
    if language in dict(settings.LANGUAGES) and translation.check_for_language(language):
        translation.activate(language)
        request.LANGUAGE_CODE = language
        setattr(request, LANGUAGE_AT_LOGIN, language)


class SavedLanguageMiddleware:
    """Keeps the language a login chose (:func:`apply_saved_language`) in the browser's cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, LANGUAGE_AT_LOGIN, "")
        if language:
            remember_language(response, language)
        return response
