from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import request_context


class RequestContextMiddleware:
    """Makes the client's IP and user agent available to audit records made during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = request.META.get("REMOTE_ADDR") or None
        agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        with request_context(ip, agent):
            return self.get_response(request)
