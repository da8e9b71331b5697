"""Loop speaks TikTok Login Kit v2 on the wire; oauthlib speaks RFC 6749. This translates the requests.

``client_key`` is TikTok's name for ``client_id`` and scopes come comma-separated; both are turned
into the standard form before oauthlib sees them. Responses are shaped in ``views.py``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest
from oauth2_provider.oauth2_backends import OAuthLibCore


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
