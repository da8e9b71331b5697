"""Loop's OAuth endpoints at TikTok Login Kit v2 paths (DESIGN §7), and the consent screen.

Requests are translated to standard OAuth by ``backends.LoopWireOAuthLibCore``; responses are
shaped here: the token response carries ``open_id`` and comma-separated scopes, every error is
``{error, error_description, log_id}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import add_params_to_uri

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.crypto import InvalidToken, open_sealed
from accountlink.kit.errors import CodedError
from accountlink.kit.throttle.guard import begin, client_key, named_key

from . import actions
from .backends import refuse_unreadable
from .models import AppPermission, Client, ClientOpenId
from .scopes import FIELDS_BY_SCOPE, format_scopes, parse_scopes
from .validators import code_digest


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


def _core() -> Any:
    return oauth2_settings.OAUTH2_BACKEND_CLASS()


# -- consent -----------------------------------------------------------------------------------


def _error_redirect(redirect_uri: str, state: str | None, error: str, description: str, code: str = "") -> HttpResponse:
    params = [("error", error), ("error_description", description)]
    if code:
        params.append(("error_code", code))
    if state:
        params.append(("state", state))
    return HttpResponseRedirect(add_params_to_uri(redirect_uri, params))


def _invalid_request_page(request: HttpRequest) -> HttpResponse:
    return render(request, "loop/oauth_error.html", status=400)


@never_cache
@xframe_options_deny
@require_http_methods(["GET", "POST"])
@refuse_unreadable(_invalid_request_page)
def authorize(request: HttpRequest) -> HttpResponse:
    """The consent screen: who asks, for what, **Authorize** or **Cancel**."""
    core = _core()
    try:
        scopes, credentials = core.validate_authorization_request(request)
    except FatalClientError:
        # Unknown client or a redirect URI that is not registered: never redirect there.
        return _invalid_request_page(request)
    except OAuthToolkitError as error:
        oauth = error.oauthlib_error
        if oauth.redirect_uri:
            return _error_redirect(oauth.redirect_uri, oauth.state, oauth.error, oauth.description or "")
        return _invalid_request_page(request)
    redirect_uri = credentials["redirect_uri"]
    state = credentials.get("state")
    if credentials.get("code_challenge_method") != "S256":
        return _error_redirect(
            redirect_uri, state, "invalid_request", "PKCE with code_challenge_method=S256 is required."
        )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    account = request.user
    assert isinstance(account, LoopAccount)
    client = Client.objects.get(client_id=credentials["client_id"])
    try:
        actions.check_can_authorize(account)
    except CodedError as refusal:
        return _error_redirect(redirect_uri, state, "access_denied", str(refusal.code.value), refusal.code.value)

    existing = AppPermission.objects.filter(account=account, client=client).first()
    if request.method == "POST" and "cancel" in request.POST:
        return _error_redirect(redirect_uri, state, "access_denied", "The user cancelled.")
    if (request.method == "POST" and "authorize" in request.POST) or (existing is not None and existing.covers(scopes)):
        try:
            actions.do_authorize_client(account, client, scopes)
        except CodedError as refusal:
            return _error_redirect(redirect_uri, state, "access_denied", refusal.code.value, refusal.code.value)
        try:
            uri, _headers, _body, _status = core.create_authorization_response(
                request, scopes=scopes, credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            oauth = error.oauthlib_error
            return _error_redirect(redirect_uri, state, oauth.error, oauth.description or "")
        return HttpResponseRedirect(uri)
    return render(
        request,
        "loop/consent.html",
        {
            "client": client,
            "account": account,
            "scope_descriptions": actions.scope_descriptions(scopes),
            "redirect_host": urlsplit(redirect_uri).netloc,
        },
    )


# -- client authentication ---------------------------------------------------------------------


def client_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """``client_key``/``client_secret`` in the form body (Loop's wire) or HTTP Basic (RFC 6749 §2.3.1);
    None when the Basic header cannot be read."""
    key = request.POST.get("client_key") or request.POST.get("client_id") or ""
    secret = request.POST.get("client_secret") or ""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except ValueError:  # not ASCII, not base64 (binascii.Error) or not UTF-8 (UnicodeDecodeError)
            return None
        key, _, secret = decoded.partition(":")
        key, secret = unquote_plus(key), unquote_plus(secret)
    return key, secret


def throttle_client_secrets(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Client secrets are throttled like passwords (DESIGN §8): at the token, revoke and introspect
    endpoints an answer of ``invalid_client`` (401) counts as a wrong guess per client key and per
    client address, and a throttled client is told when to try again (429, Retry-After). Only wrong
    guesses are written, so a working client costs one read per request."""

    @wraps(view)
    def throttled(request: HttpRequest) -> HttpResponse:
        key = (client_credentials(request) or ("", ""))[0]
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


def authenticate_client(request: HttpRequest) -> Client | None:
    """The client whose key and secret the request carries, or None."""
    key, secret = client_credentials(request) or ("", "")
    if not key or not secret:
        return None
    client = Client.objects.filter(client_id=key).first()
    if client is None:
        return None
    try:
        expected = open_sealed(client.client_secret)
    except InvalidToken:
        return None
    return client if constant_time_compare(secret, expected) else None


# -- token, revoke, introspect ------------------------------------------------------------------


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
    with transaction.atomic():
        _uri, _headers, body, status = _core().create_token_response(request)
    data = json.loads(body or "{}")
    if status != 200:
        return oauth_error(data.get("error", "invalid_request"), data.get("error_description", ""), status)
    access = (
        get_access_token_model()
        .objects.select_related("user", "application")
        .get(token_checksum=code_digest(data["access_token"]))
    )
    open_id = actions.open_id_of(access.user, access.application)
    payload = {
        "open_id": open_id,
        "scope": format_scopes(data.get("scope", "")),
        "access_token": data["access_token"],
        "expires_in": data["expires_in"],
        "refresh_token": data.get("refresh_token", ""),
        "refresh_expires_in": data["expires_in"] + _refresh_lifetime(),
        "token_type": "Bearer",
    }
    return JsonResponse(payload, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _client_and_token(request: HttpRequest) -> tuple[Client, str] | JsonResponse:
    """What revoke and introspect both need: an authenticated client and the ``token`` it asks about."""
    client = authenticate_client(request)
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
    return JsonResponse({}, headers={"Cache-Control": "no-store"})


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
    digest = code_digest(value)
    now = timezone.now()
    access = (
        get_access_token_model()
        .objects.select_related("user")
        .filter(application=client, token_checksum=digest, expires__gt=now)
        .first()
    )
    if access is not None and access.user.is_active:
        return _active(client, access.user, access.scope, int(access.expires.timestamp()), "access_token")
    refresh = (
        get_refresh_token_model()
        .objects.select_related("user", "access_token")
        .filter(application=client, token_checksum=digest, revoked__isnull=True, access_token__isnull=False)
        .first()
    )
    if refresh is not None and refresh.user.is_active:
        expires = refresh.access_token.expires + timedelta(seconds=_refresh_lifetime())
        if expires > now:
            return _active(client, refresh.user, refresh.access_token.scope, int(expires.timestamp()), "refresh_token")
    return JsonResponse({"active": False}, headers={"Cache-Control": "no-store"})


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
        headers={"Cache-Control": "no-store"},
    )


# -- user info ---------------------------------------------------------------------------------


def union_id_of(account: LoopAccount) -> str:
    return salted_hmac("accountlink.union_id", str(account.pk), algorithm="sha256").hexdigest()[:32]


@csrf_exempt
@require_GET
@refuse_unreadable(_malformed)
def user_info(request: HttpRequest) -> HttpResponse:
    """``GET /v2/user/info/?fields=…`` with a bearer token; fields outside the granted scopes are left out."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        return oauth_error("invalid_token", "A bearer access token is required.", 401)
    access = (
        get_access_token_model()
        .objects.select_related("user", "application")
        .filter(token_checksum=code_digest(header[7:].strip()), expires__gt=timezone.now())
        .first()
    )
    if access is None or not access.user.is_active:
        return oauth_error("invalid_token", "The access token is invalid, expired or revoked.", 401)
    account: LoopAccount = access.user
    client: Client = access.application
    granted = parse_scopes(access.scope)
    allowed = {field for scope in granted for field in FIELDS_BY_SCOPE.get(scope, ())}
    asked = [field.strip() for field in request.GET.get("fields", "open_id").split(",") if field.strip()]
    open_id = actions.open_id_of(account, client) or ""
    values: dict[str, Any] = {
        "open_id": open_id,
        "union_id": union_id_of(account),
        "avatar_url": request.build_absolute_uri(f"/v2/avatar/{open_id}.svg"),
        "display_name": account.display_name,
        "username": account.handle,
    }
    user = {field: values[field] for field in asked if field in allowed and field in values}
    return JsonResponse(
        {"data": {"user": user}, "error": {"code": "ok", "message": "", "log_id": _log_id()}},
        headers={"Cache-Control": "no-store"},
    )


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
