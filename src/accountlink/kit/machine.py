"""Machine endpoints: the doors that programs call, not people.

Loop's token, revoke and introspection endpoints, user info and the log of ended grants, Loop for
Business's webhook receiver, and both platforms' health and metrics take no cookie, keep no session
and show no message. Django's browser middleware still costs them a little on every request, and
these are the busiest doors (issue 18). The middleware below is Django's own, skipped on the paths
in the platform's ``ACCOUNTLINK_MACHINE_PATHS``. Django's session middleware stays: it reads nothing
until a view asks for the session, which no machine view does, and ``check --deploy`` looks for it.

What stays for every path: the request id, security headers, CSRF (every machine view is
``csrf_exempt``; any other view on such a path is still checked), the language (error messages are
translated; on a machine path it is read from Accept-Language alone) and the audit context. Machine
answers get a fixed Content-Security-Policy that allows nothing, instead of the pages' policy built
for each response.
"""

from __future__ import annotations

from typing import Any, cast

from csp import middleware as csp
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accountlink.kit.i18n import saved
from accountlink.kit.sessions import middleware as registry


def is_machine_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(tuple(settings.ACCOUNTLINK_MACHINE_PATHS))


class BrowserOnly:
    """Mixed into a middleware: it runs for pages and is skipped on machine endpoints."""

    get_response: Any

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_machine_request(request):
            response: HttpResponse = self.get_response(request)
            return response
        return super().__call__(request)  # type: ignore[misc]


# What a machine answer (JSON, never a page) may load or be framed by: nothing.
MACHINE_POLICY = "default-src 'none'; frame-ancestors 'none'"


class CSPMiddleware(csp.CSPMiddleware):
    """django-csp's, but a machine answer gets the fixed policy instead of one built for it. A page drawn
    on a machine path (the 404 page of a mistyped address) keeps the pages' policy, or its styles
    would be blocked."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_machine_request(request):
            return cast(HttpResponseBase, super().__call__(request))
        self.process_request(request)  # a lazy nonce: nothing is built unless a page uses it
        response = cast(HttpResponseBase, self.get_response(request))
        if response.get("Content-Type", "").startswith("text/html"):
            return self.process_response(request, response)
        response.headers.setdefault("Content-Security-Policy", MACHINE_POLICY)
        return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, but on a machine path the language is the caller's Accept-Language (or language cookie)
    alone: no machine path has a language prefix, so the path is not searched for one, twice."""

    def process_request(self, request: HttpRequest) -> None:
        if not is_machine_request(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not is_machine_request(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class AuthenticationMiddleware(BrowserOnly, auth.AuthenticationMiddleware):
    pass


class SessionRegistryMiddleware(BrowserOnly, registry.SessionRegistryMiddleware):
    pass


class SavedLanguageMiddleware(BrowserOnly, saved.SavedLanguageMiddleware):
    pass


class MessageMiddleware(BrowserOnly, messages.MessageMiddleware):
    pass
