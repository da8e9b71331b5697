"""The consent screen (DESIGN §4.3): who asks, for what, **Authorize** or **Cancel**.

The browser arrives from the app at ``/v2/auth/authorize/`` (TikTok Login Kit v2's path) and leaves
back to the app's redirect URI, with ``code``, ``scopes`` and ``state`` or with ``error``,
``error_description`` and ``state`` (Login Kit for Web). A request that names no registered client and
redirect URI is never sent anywhere: it gets an error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_http_methods
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.oauth2_backends import OAuthLibCore, get_oauthlib_core
from oauthlib.common import add_params_to_uri

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.errors import CodedError

from . import actions
from .backends import refuse_unreadable
from .models import AppPermission, Client
from .scopes import format_scopes


def _error_redirect(redirect_uri: str, state: str | None, error: str, description: str, code: str = "") -> HttpResponse:
    params = [("error", error), ("error_description", description)]
    if code:
        params.append(("error_code", code))
    if state:
        params.append(("state", state))
    return HttpResponseRedirect(add_params_to_uri(redirect_uri, params))


def _invalid_request_page(request: HttpRequest) -> HttpResponse:
    return render(request, "loop/oauth_error.html", status=400)


@dataclass
class AuthorizationRequest:
    """An authorization request oauthlib accepted: the scopes asked for, and where to send the answer."""

    scopes: list[str]
    credentials: dict[str, Any]

    @property
    def redirect_uri(self) -> str:
        return str(self.credentials["redirect_uri"])

    def refuse(self, error: str, description: str, code: str = "") -> HttpResponse:
        """Send the browser back to the app with the error (RFC 6749 §4.1.2.1)."""
        return _error_redirect(self.redirect_uri, self.credentials.get("state"), error, description, code)


def _validate(core: OAuthLibCore, request: HttpRequest) -> AuthorizationRequest | HttpResponse:
    """The request as oauthlib reads it, or the answer that refuses it.

    oauthlib asks the validator whether this app must use PKCE (``is_pkce_required``); a challenge,
    required or not, is S256 (``plain`` is refused, RFC 9700 §2.1.1)."""
    try:
        scopes, credentials = core.validate_authorization_request(request)
    except FatalClientError:
        # Unknown client or a redirect URI that is not registered: never redirect there.
        return _invalid_request_page(request)
    except OAuthToolkitError as error:
        oauth = error.oauthlib_error
        if oauth.redirect_uri:
            return _error_redirect(
                oauth.redirect_uri,
                oauth.state,
                oauth.error,
                oauth.description or "The authorization request is not valid.",
            )
        return _invalid_request_page(request)
    asked = AuthorizationRequest(scopes, credentials)
    if credentials.get("code_challenge") and credentials.get("code_challenge_method") != "S256":
        return asked.refuse("invalid_request", "The code_challenge_method must be S256.")
    if not credentials.get("code_challenge") and request.GET.get("code_challenge_method"):
        return asked.refuse("invalid_request", "A code_challenge_method was sent without a code_challenge.")
    return asked


def _authorize(
    core: OAuthLibCore, request: HttpRequest, asked: AuthorizationRequest, account: LoopAccount, client: Client
) -> HttpResponse:
    """The holder authorized (now or before): the app gets its open_id and its code."""
    try:
        actions.do_authorize_client(account, client)
    except CodedError as refusal:
        return asked.refuse("access_denied", refusal.code.value, refusal.code.value)
    try:
        uri, _headers, _body, _status = core.create_authorization_response(
            request, scopes=asked.scopes, credentials=asked.credentials, allow=True
        )
    except OAuthToolkitError as error:
        oauth = error.oauthlib_error
        return asked.refuse(oauth.error, oauth.description or "The authorization request was refused.")
    # Login Kit for Web: the scopes granted come back with the code, comma-separated.
    return HttpResponseRedirect(add_params_to_uri(uri, [("scopes", format_scopes(asked.scopes))]))


def _skips_consent(request: HttpRequest, existing: AppPermission | None, asked: AuthorizationRequest) -> bool:
    """An app that already has every scope it asks for gets its code at once, unless it sent
    ``disable_auto_auth=1`` (Login Kit for Web: always show the authorization page)."""
    return existing is not None and existing.covers(asked.scopes) and request.GET.get("disable_auto_auth") != "1"


@never_cache
@xframe_options_deny
@require_http_methods(["GET", "POST"])
@refuse_unreadable(_invalid_request_page)
def authorize(request: HttpRequest) -> HttpResponse:
    """The consent screen. A holder who already granted these scopes is sent back at once."""
    core = get_oauthlib_core()
    asked = _validate(core, request)
    if isinstance(asked, HttpResponse):
        return asked
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    account = request.user
    assert isinstance(account, LoopAccount)
    client = Client.objects.get(client_id=asked.credentials["client_id"])
    try:
        actions.check_can_authorize(account)
    except CodedError as refusal:
        return asked.refuse("access_denied", str(refusal.code.value), refusal.code.value)
    existing = AppPermission.objects.filter(account=account, client=client).first()
    pressed = request.POST if request.method == "POST" else QueryDict()
    if "cancel" in pressed:
        return asked.refuse("access_denied", "The user cancelled.")
    if "authorize" in pressed or _skips_consent(request, existing, asked):
        return _authorize(core, request, asked, account, client)
    context = {
        "client": client,
        "account": account,
        "scope_descriptions": actions.scope_descriptions(asked.scopes),
        "redirect_host": urlsplit(asked.redirect_uri).netloc,
    }
    return render(request, "loop/consent.html", context)
