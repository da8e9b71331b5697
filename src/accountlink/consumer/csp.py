"""Loop's Content-Security-Policy: the shared one, plus the client a consent form sends people to.

``form-action`` also binds the redirects that follow a form submission (Chromium enforces it on
every hop). Loop's pages that can end at a client's redirect URI are the consent screen
(``/v2/auth/authorize/``: **Authorize** and **Cancel**) and the pages of an authorization in progress
(log in with ``next=/v2/auth/authorize/?…``, which goes straight back to the client when access was
granted before). Those pages, and only those, also allow the origin of the redirect URI, and only when
it is one the client registered (the query is the visitor's, the registration is Loop's).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import PolicyParts
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, QueryDict, RawPostDataException
from django.http.response import HttpResponseBase
from django.urls import reverse

from accountlink.consumer.oauth.models import Client
from accountlink.kit.machine import CSPMiddleware


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _authorization_query(request: HttpRequest) -> QueryDict | None:
    """The query of the authorization this page belongs to: its own, or that of its ``next``."""
    authorize = reverse("oauth:authorize")
    if request.path_info == authorize:
        return request.GET
    next_url = request.GET.get("next", "")
    if not next_url and request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        next_url = request.POST.get("next", "")
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or parts.path != authorize:
        return None
    return QueryDict(parts.query)


def client_redirect_origin(request: HttpRequest) -> str | None:
    """The origin of the registered redirect URI that a form on this page may end at, if any."""
    query = _authorization_query(request)
    if query is None:
        return None
    client_key = query.get("client_key") or query.get("client_id") or ""
    redirect_uri = query.get("redirect_uri") or ""
    if not client_key or not redirect_uri or "\x00" in client_key + redirect_uri:
        return None
    client = Client.objects.filter(client_id=client_key).first()
    if client is None or not client.redirect_uri_allowed(redirect_uri):
        return None
    return _origin(redirect_uri)


class LoopCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the client's origin added to ``form-action`` on the HTML pages
    (200) of an authorization in progress."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            return parts
        try:
            client_origin = client_redirect_origin(request)
        except (SuspiciousOperation, RawPostDataException, ValueError):  # an unreadable request authorizes nothing
            client_origin = None
        if client_origin:
            update = dict(parts.update or {})
            added = update.get("form-action") or []
            update["form-action"] = [*([added] if isinstance(added, str) else added), client_origin]
            parts.update = update
        return parts
