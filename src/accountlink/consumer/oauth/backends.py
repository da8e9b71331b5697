"""Loop speaks TikTok Login Kit v2 on the wire; oauthlib speaks RFC 6749. This translates the requests.

``client_key`` is TikTok's name for ``client_id`` and scopes come comma-separated; both are turned
into the standard form before oauthlib sees them. Responses are shaped by the views
(``consent_views.py``, ``api_views.py``).

Before any of that, ``refuse_unreadable`` turns away requests whose parameters no lookup could use.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from oauth2_provider.oauth2_backends import OAuthLibCore

# Twice this still fits in a redirect Django allows (16384 characters), so the browser can always be
# sent back to the app with the code and state, or to the login page with the request as ``next``.
MAX_REQUEST_URL = 8192


def standard_params(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    names = {name for name, _ in pairs}
    result = []
    for name, value in pairs:
        if name == "client_key":
            if "client_id" in names:
                continue  # both given: the standard name wins, and a mismatch cannot slip through
            name = "client_id"
        elif name == "scope":
            value = " ".join(part for part in value.replace(",", " ").split())
        result.append((name, value))
    return result


class LoopWireOAuthLibCore(OAuthLibCore):
    def _get_escaped_full_path(self, request: HttpRequest) -> str:
        parts = urlsplit(request.get_full_path())
        query = urlencode(standard_params(parse_qsl(parts.query, keep_blank_values=True)))
        return urlunsplit(("", "", parts.path, query, ""))

    def extract_body(self, request: HttpRequest) -> list[tuple[str, Any]]:
        return standard_params(super().extract_body(request))


def _texts(query: QueryDict) -> list[str]:
    return [text for name, values in query.lists() for text in (name, *values)]


def _basic_credentials(request: HttpRequest) -> str:
    """``client_id:client_secret`` of an ``Authorization: Basic`` header, decoded as django-oauth-toolkit
    decodes it (base64, then form encoding: RFC 6749 §2.3.1); "" without one or when it is unreadable."""
    kind, _sep, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if kind != "Basic":
        return ""
    try:
        return unquote_plus(base64.b64decode(value).decode())
    except ValueError:  # not ASCII, not base64 or not UTF-8: client authentication fails later
        return ""


def is_readable(request: HttpRequest, path_values: Iterable[str] = ()) -> bool:
    """Whether every parameter of the request can be read and looked up.

    A body that is too large, has too many fields or is broken multipart cannot be read (Django raises
    as it parses); a URL longer than ``MAX_REQUEST_URL`` cannot be redirected with. And PostgreSQL
    text cannot hold NUL, which no OAuth parameter may contain anyway (RFC 6749 Appendix A).
    """
    if len(request.get_full_path()) > MAX_REQUEST_URL:
        return False
    try:
        texts = [*path_values, *_texts(request.GET), *_texts(request.POST), _basic_credentials(request)]
    except (SuspiciousOperation, BadRequest, MultiPartParserError):
        return False
    return not any("\x00" in text for text in texts)


View = Callable[..., HttpResponse]


def refuse_unreadable(answer: Callable[[HttpRequest], HttpResponse]) -> Callable[[View], View]:
    """Answer ``answer(request)`` instead of running the view when the request is not ``is_readable``
    (its path parameters included)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_readable(request, [str(value) for value in (*args, *kwargs.values())]):
                return answer(request)
            return view(request, *args, **kwargs)

        return checked

    return decorate
