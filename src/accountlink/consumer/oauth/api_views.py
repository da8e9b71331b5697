"""Loop's OAuth API at TikTok Login Kit v2 paths (DESIGN §7): token, revoke, introspect and user info
(JSON, for client apps), and the avatar images user info links to.

Requests are translated to standard OAuth by ``backends.LoopWireOAuthLibCore``; responses are
shaped here: the token response carries ``open_id`` and comma-separated scopes, every error is
``{error, error_description, log_id}``. Clients and tokens are checked by ``credentials`` (revoke,
introspect) or by django-oauth-toolkit through the validator (token, user info).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.settings import oauth2_settings

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.errors import CodedError
from accountlink.kit.throttle.guard import begin, client_key, named_key

from . import actions, credentials
from .backends import refuse_unreadable
from .models import Client, ClientOpenId
from .scopes import FIELDS_BY_SCOPE, format_scopes, parse_scopes

NO_STORE = {"Cache-Control": "no-store"}


def _log_id() -> str:
    return timezone.now().strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:12].upper()


def oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": error, "error_description": description, "log_id": _log_id()},
        status=status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _malformed(request: HttpRequest) -> JsonResponse:
    return oauth_error("invalid_request", "A parameter is too large or holds a character that is not allowed.")


def throttle_client_secrets(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Client secrets are throttled like passwords (DESIGN §8): at the token, revoke and introspect
    endpoints an answer of ``invalid_client`` (401) counts as a wrong guess per client key and per
    client address, and a throttled client is told when to try again (429, Retry-After). Only wrong
    guesses are written, so a working client costs one read per request."""

    @wraps(view)
    def throttled(request: HttpRequest) -> HttpResponse:
        key = (credentials.presented_client_credentials(request) or ("", ""))[0]
        try:
            attempt = begin("client_auth", [named_key(f"client:{key}"), client_key(request)], count_first=False)
        except CodedError as error:
            refusal = oauth_error("rate_limit_exceeded", error.message, 429)
            refusal["Retry-After"] = str(error.params["seconds"])
            return refusal
        response = view(request)
        if response.status_code == 401:
            attempt.failed()
        else:
            attempt.succeeded()
        return response

    return throttled


# -- token ---------------------------------------------------------------------------------------


def _refresh_lifetime() -> int:
    return int(oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0)


# Loop offers the code and refresh grants (DESIGN §7); django-oauth-toolkit refuses the other two
# grants of RFC 6749 itself, as no Loop client is registered for them (unauthorized_client). Any
# other grant never reaches it: it answers the device code grant with a server error.
GRANT_TYPES = {"authorization_code", "refresh_token", "password", "client_credentials"}


@csrf_exempt
@require_POST
@refuse_unreadable(_malformed)
@throttle_client_secrets
def token(request: HttpRequest) -> HttpResponse:
    """Authorization code and refresh token grants, answered in Loop's wire format."""
    if request.POST.get("grant_type") not in GRANT_TYPES:
        return oauth_error("unsupported_grant_type", "Loop issues tokens for authorization_code and refresh_token.")
    body, status = actions.do_issue_tokens(request)
    data = json.loads(body or "{}")
    if status != 200:
        return oauth_error(data.get("error", "invalid_request"), data.get("error_description", ""), status)
    access = credentials.access_token(data["access_token"])
    payload = {
        "open_id": actions.open_id_of(access.user, access.application),
        "scope": format_scopes(data.get("scope", "")),
        "access_token": data["access_token"],
        "expires_in": data["expires_in"],
        "refresh_token": data.get("refresh_token", ""),
        "refresh_expires_in": data["expires_in"] + _refresh_lifetime(),
        "token_type": "Bearer",
    }
    return JsonResponse(payload, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


# -- revoke and introspect ------------------------------------------------------------------------


def _client_and_token(request: HttpRequest) -> tuple[Client, str] | JsonResponse:
    """What revoke and introspect both need: an authenticated client and the ``token`` it asks about."""
    client = credentials.authenticate_client(request)
    if client is None:
        return oauth_error("invalid_client", "Client authentication failed.", 401)
    value = request.POST.get("token", "")
    if not value:
        return oauth_error("invalid_request", "The token parameter is required.")
    return client, value


@csrf_exempt
@require_POST
@refuse_unreadable(_malformed)
@throttle_client_secrets
def revoke(request: HttpRequest) -> HttpResponse:
    asked = _client_and_token(request)
    if isinstance(asked, JsonResponse):
        return asked
    client, value = asked
    actions.do_revoke_token(client, value)
    return JsonResponse({}, headers=NO_STORE)


@csrf_exempt
@require_POST
@refuse_unreadable(_malformed)
@throttle_client_secrets
def introspect(request: HttpRequest) -> HttpResponse:
    """RFC 7662. A token of another client is reported inactive, like an unknown one."""
    asked = _client_and_token(request)
    if isinstance(asked, JsonResponse):
        return asked
    client, value = asked
    access = credentials.live_access_token(client, value)
    if access is not None and access.user.is_active:
        return _active(client, access.user, access.scope, int(access.expires.timestamp()), "access_token")
    refresh = credentials.unrevoked_refresh_token(client, value)
    if refresh is not None and refresh.user.is_active:
        expires = refresh.access_token.expires + timedelta(seconds=_refresh_lifetime())
        if expires > timezone.now():
            return _active(client, refresh.user, refresh.access_token.scope, int(expires.timestamp()), "refresh_token")
    return JsonResponse({"active": False}, headers=NO_STORE)


def _active(client: Client, account: LoopAccount, scope: str, exp: int, kind: str) -> JsonResponse:
    open_id = actions.open_id_of(account, client)
    return JsonResponse(
        {
            "active": True,
            "scope": " ".join(parse_scopes(scope)),
            "client_id": client.client_id,
            "sub": open_id,
            "open_id": open_id,
            "exp": exp,
            "token_type": kind,
        },
        headers=NO_STORE,
    )


# -- user info -----------------------------------------------------------------------------------


def union_id_of(account: LoopAccount) -> str:
    return salted_hmac("accountlink.union_id", str(account.pk), algorithm="sha256").hexdigest()[:32]


def _bearer_access_token(request: HttpRequest) -> Any:
    """The access token the request carries, verified by django-oauth-toolkit (``verify_request``, through
    the validator), or the 401 that refuses the request."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        return oauth_error("invalid_token", "A bearer access token is required.", 401)
    valid, verified = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid:
        return oauth_error("invalid_token", "The access token is invalid, expired or revoked.", 401)
    return verified.access_token


@csrf_exempt
@require_GET
@refuse_unreadable(_malformed)
def user_info(request: HttpRequest) -> HttpResponse:
    """``GET /v2/user/info/?fields=…`` with a bearer token; fields outside the granted scopes are left out."""
    access = _bearer_access_token(request)
    if isinstance(access, JsonResponse):
        return access
    account: LoopAccount = access.user
    allowed = {field for scope in parse_scopes(access.scope) for field in FIELDS_BY_SCOPE.get(scope, ())}
    asked = [field.strip() for field in request.GET.get("fields", "open_id").split(",") if field.strip()]
    open_id = actions.open_id_of(account, access.application) or ""
    values: dict[str, Any] = {
        "open_id": open_id,
        "union_id": union_id_of(account),
        "avatar_url": request.build_absolute_uri(f"/v2/avatar/{open_id}.svg"),
        "display_name": account.display_name,
        "username": account.handle,
    }
    user = {field: values[field] for field in asked if field in allowed and field in values}
    return JsonResponse(
        {"data": {"user": user}, "error": {"code": "ok", "message": "", "log_id": _log_id()}}, headers=NO_STORE
    )


# -- avatars -------------------------------------------------------------------------------------

_AVATAR_COLOURS = ["#fe2c55", "#25f4ee", "#7a5cff", "#ff9f1c", "#2ec4b6", "#e71d36", "#3a86ff", "#8338ec"]


def _no_avatar(request: HttpRequest) -> HttpResponse:
    raise Http404


@require_GET
@refuse_unreadable(_no_avatar)
def avatar(request: HttpRequest, open_id: str) -> HttpResponse:
    """A generated avatar (initials on a colour) for the account behind an open_id."""
    row = get_object_or_404(ClientOpenId.objects.select_related("account"), value=open_id)
    name = row.account.display_name.strip() or row.account.handle
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    colour = _AVATAR_COLOURS[int(hashlib.sha256(row.account.handle.encode()).hexdigest(), 16) % len(_AVATAR_COLOURS)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f'<circle cx="48" cy="48" r="48" fill="{colour}"/>'
        '<text x="48" y="60" font-family="sans-serif" font-size="36" font-weight="700" '
        f'fill="#fff" text-anchor="middle">{escape(initials)}</text></svg>'
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response
