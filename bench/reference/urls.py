"""The reference's doors: a bare view, a DOT-protected view, DOT's own endpoints, and Django's own
login (``LoginView``) with a page only a signed-in person sees."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"Signed in as {request.user}")


urlpatterns = [
    path("", home),
    path("login/", LoginView.as_view(template_name="login.html", next_page="/")),
    path("bare/", bare),
    path("userinfo/", UserInfo.as_view()),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
