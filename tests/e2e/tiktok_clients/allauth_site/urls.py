"""allauth's URLs, and the page a signed-in person lands on."""

from __future__ import annotations

import logging
from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.html import format_html

logger = logging.getLogger("allauth_site")


class LoggingSocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's default adapter; it only writes why a sign-in failed to the log, for the test to show."""

    def on_authentication_error(self, request: HttpRequest, provider: Any, **kwargs: Any) -> None:
        logger.error(
            "TikTok sign-in failed: error=%r exception=%r callback query=%r",
            kwargs.get("error"),
            kwargs.get("exception"),
            request.GET.dict(),
        )
        super().on_authentication_error(request, provider, **kwargs)


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(format_html("<h1>Signed in as {}</h1>", request.user.get_username()))


urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("signed-in/", signed_in),
]
