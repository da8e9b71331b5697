"""Loop's OAuth endpoints at TikTok Login Kit v2 paths (DESIGN §7): token, revoke and introspect
(JSON, for client apps). User info, in TikTok's v2 API envelope, is ``userinfo_views``'.

Requests are translated to standard OAuth by ``backends.LoopWireOAuthLibCore``; responses are
shaped here: the token response carries ``open_id`` and comma-separated scopes, every error, a wrong
method included, is ``{error, error_description, log_id}`` with a description (TikTok's OAuth error
handling page). Clients and tokens are checked by ``credentials`` (revoke, introspect) or by
django-oauth-toolkit through the validator (token).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.settings import oauth2_settings

from accountlink.kit.errors import CodedError
from accountlink.kit.throttle.clients import begin_client_auth

from . import actions, credentials
from .actions import refresh
from .backends import refuse_unreadable
from .models import Client
from .scopes import format_scopes, parse_scopes
from .wire import NO_STORE, log_id

# Said when oauthlib gives no description of its own: TikTok's errors always carry one.
DESCRIPTIONS = {
    "invalid_request": "The request is missing a required parameter or is otherwise malformed.",
    "invalid_client": "Client authentication failed.",
    "invalid_grant": (
        "The authorization code or refresh token is invalid, expired or revoked, does not match the "
        "redirect_uri or code_verifier, or was issued to another client."
    ),
    "unauthorized_client": "The client is not authorized to use this grant type.",
    "invalid_scope": "The requested scope is invalid, unknown or malformed.",
    "access_denied": "The request was denied.",
}


def oauth_error(error: str, description: str = "", status: int = 400) -> JsonResponse:
    return JsonResponse(
        {
            "error": error,
            "error_description": description or DESCRIPTIONS.get(error, "The request was refused."),
            "log_id": log_id(),
        },
        status=status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def post_only(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A method other than POST is answered in the OAuth envelope too (405, ``Allow: POST``)."""

    @wraps(view)
    def checked(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            refusal = oauth_error("invalid_request", "This endpoint takes POST.", 405)
            refusal["Allow"] = "POST"
            return refusal
        return view(request)

    return checked


def malformed_request(request: HttpRequest) -> JsonResponse:
    return oauth_error("invalid_request", "A parameter is too large or holds a character that is not allowed.")


def throttle_client_secrets(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Client secrets are throttled like passwords (DESIGN §8, ``kit.throttle.clients``): at the token,
    revoke, introspect and grant-endings endpoints an answer of ``invalid_client`` (401) counts as a
    wrong guess per client key and per client address, an address that authenticated as the client
    before counts on its own, and a throttled client is told when to try again (429, Retry-After).
    Only wrong guesses are written, so a working client costs one read per request."""

    @wraps(view)
    def throttled(request: HttpRequest) -> HttpResponse:
        key = (credentials.presented_client_credentials(request) or ("", ""))[0]
        try:
            attempt = begin_client_auth(request, key)
        except CodedError as error:
            refusal = oauth_error("rate_limit_exceeded", error.message, 429)
            refusal["Retry-After"] = str(error.params["seconds"])
            return refusal
        response = view(request)
        if response.status_code == 401:
            attempt.failed()
        elif 200 <= response.status_code < 300:  # some refusals (an unknown grant type) come before the secret
            attempt.succeeded()
        return response

    return throttled


# -- token ---------------------------------------------------------------------------------------


def _refresh_lifetime() -> int:
    return int(oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0)


# Loop offers the code and refresh grants (DESIGN §7) and refuses every other grant before oauthlib
# sees it. TikTok also issues client access tokens (client_credentials), for its Research and
# Commercial Content APIs; Loop has no API such a token could call, so it issues none.
GRANT_TYPES = {"authorization_code", "refresh_token"}


@csrf_exempt
@post_only
@refuse_unreadable(malformed_request)
@throttle_client_secrets
def token(request: HttpRequest) -> HttpResponse:
    """Authorization code and refresh token grants, answered in Loop's wire format."""
    grant_type = request.POST.get("grant_type")
    if grant_type not in GRANT_TYPES:
        return oauth_error(
            "unsupported_grant_type",
            "Loop issues tokens for grant_type authorization_code and refresh_token only "
            "(no client access tokens: Loop has no API they could call).",
        )
    if grant_type == "refresh_token":
        return _refresh(request)
    body, status = actions.do_issue_tokens(request)
    data = json.loads(body or "{}")
    if status != 200:
        return oauth_error(data.get("error") or "invalid_request", data.get("error_description") or "", status)
    # The open_id is put in by the validator (save_bearer_token).
    return _tokens(
        data["open_id"], data.get("scope", ""), data["access_token"], data["expires_in"], data.get("refresh_token", "")
    )


def _refresh(request: HttpRequest) -> HttpResponse:
    """The refresh grant, in Loop's own code (``actions.refresh.do_refresh_tokens`` says why)."""
    client = credentials.authenticate_client(request)
    if client is None:
        return oauth_error("invalid_client", status=401)
    value = request.POST.get("refresh_token", "")
    if not value:
        return oauth_error("invalid_request", "Missing refresh token parameter.")
    try:
        issued = refresh.do_refresh_tokens(client, value, request.POST.get("scope", ""))
    except refresh.RefreshRefused as refusal:
        return oauth_error(refusal.error)
    return _tokens(issued.open_id, issued.scope, issued.access_token, issued.expires_in, issued.refresh_token)


def _tokens(open_id: str, scope: str, access_token: str, expires_in: int, refresh_token: str) -> JsonResponse:
    payload = {
        "open_id": open_id,
        "scope": format_scopes(scope),
        "access_token": access_token,
        "expires_in": expires_in,
        "refresh_token": refresh_token,
        "refresh_expires_in": expires_in + _refresh_lifetime(),
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
@post_only
@refuse_unreadable(malformed_request)
@throttle_client_secrets
def revoke(request: HttpRequest) -> HttpResponse:
    asked = _client_and_token(request)
    if isinstance(asked, JsonResponse):
        return asked
    client, value = asked
    actions.do_revoke_token(client, value)
    return JsonResponse({}, headers=NO_STORE)


@csrf_exempt
@post_only
@refuse_unreadable(malformed_request)
@throttle_client_secrets
def introspect(request: HttpRequest) -> HttpResponse:
    """RFC 7662. A token of another client is reported inactive, like an unknown one."""
    asked = _client_and_token(request)
    if isinstance(asked, JsonResponse):
        return asked
    client, value = asked
    access = credentials.bearer(value)
    if access is not None and access.client_id == client.pk:
        return _active(client, access.open_id, access.scope, access.expires, "access_token")
    refresh = credentials.unrevoked_refresh_token(client, value)
    if refresh is not None and refresh.user.is_active:
        expires = refresh.access_token.expires + timedelta(seconds=_refresh_lifetime())
        if expires > timezone.now():
            open_id = actions.open_id_of(refresh.user, client) or ""
            return _active(client, open_id, refresh.access_token.scope, expires, "refresh_token")
    return JsonResponse({"active": False}, headers=NO_STORE)


def _active(client: Client, open_id: str, scope: str, expires: datetime, kind: str) -> JsonResponse:
    return JsonResponse(
        {
            "active": True,
            "scope": " ".join(parse_scopes(scope)),
            "client_id": client.client_id,
            "sub": open_id,
            "open_id": open_id,
            "exp": int(expires.timestamp()),
            "token_type": kind,
        },
        headers=NO_STORE,
    )
