"""The reference's three doors: a bare view, a DOT-protected view, and DOT's own endpoints."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from oauth2_provider.views.generic import ProtectedResourceView


def bare(request: HttpRequest) -> JsonResponse:
    """A bare Django view: what a request costs with no database at all."""
    return JsonResponse({"data": {"user": {"open_id": "bare"}}})


class UserInfo(ProtectedResourceView):
    """DOT's documented way to protect an API view; answers what Loop's user info answers."""

    def get(self, request: HttpRequest) -> JsonResponse:
        user = request.resource_owner
        return JsonResponse({"data": {"user": {"open_id": str(user.pk), "display_name": user.username}}})


urlpatterns = [
    path("bare/", bare),
    path("userinfo/", UserInfo.as_view()),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
