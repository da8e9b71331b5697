"""Loop for Business as an OAuth client of Loop (Authlib), in TikTok Login Kit v2's wire format.

Everything that talks to the provider over HTTP is here, at the endpoints ``business_settings`` names
(Loop's, or TikTok's real ones: docs/deploy.md). PKCE S256 always (DESIGN §8). Failures come out as
two exceptions: ``ProviderUnavailable`` (could not reach it, or it failed) and ``ProviderRefused`` (it
answered with an error).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from authlib.common.urls import add_params_to_qs
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.utils import timezone
from django.utils.crypto import get_random_string

from accountlink.business.conf import business_settings
from accountlink.kit.requestid import HEADER as REQUEST_ID_HEADER
from accountlink.kit.requestid import outbound_headers

SCOPES = "user.info.basic,user.info.profile"
USER_FIELDS = "open_id,union_id,avatar_url,display_name,username"
TIMEOUT_SECONDS = 10


class ProviderUnavailable(Exception):
    """Loop could not be reached or answered with a server error."""


class ProviderRefused(Exception):
    """Loop answered with an error (``error`` is its OAuth code; user info's ``access_token_invalid``
    comes out as ``invalid_token``)."""

    def __init__(self, error: str, description: str = "") -> None:
        self.error = error
        super().__init__(f"{error}: {description}")


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    open_id: str
    scopes: str
    access_expires_at: datetime
    refresh_expires_at: datetime


@dataclass(frozen=True)
class LoopIdentity:
    open_id: str
    union_id: str
    username: str
    display_name: str
    avatar_url: str


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    code_verifier: str


def _client_key_post(
    client: Any, method: str, uri: str, headers: dict[str, str], body: str
) -> tuple[str, dict[str, str], str]:
    """TikTok's client authentication: ``client_key`` and ``client_secret`` in the form body."""
    body = add_params_to_qs(
        body or "", [("client_key", client.client_id), ("client_secret", client.client_secret or "")]
    )
    if "Content-Length" in headers:
        headers["Content-Length"] = str(len(body))
    return uri, headers, body


def _refuse_server_errors(response: requests.Response) -> requests.Response:
    if response.status_code >= 500:
        raise ProviderUnavailable(f"HTTP {response.status_code}")
    return response


_local = threading.local()


def _http() -> requests.Session:
    """This thread's HTTP session: calls to Loop reuse its connections (a reconciliation pass makes
    many; a new TCP connection each cost more than the call)."""
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def callback_url() -> str:
    return business_settings.SITE_URL + "/oauth/loop/callback/"


def _session(token: dict[str, Any] | None = None) -> OAuth2Session:
    session = OAuth2Session(
        client_id=business_settings.LOOP_CLIENT_KEY,
        client_secret=business_settings.LOOP_CLIENT_SECRET,
        token_endpoint_auth_method="client_key_post",
        revocation_endpoint_auth_method="client_key_post",
        scope=SCOPES,
        redirect_uri=callback_url(),
        code_challenge_method="S256",
        token=token,
    )
    session.register_client_auth_method(("client_key_post", _client_key_post))
    session.register_compliance_hook("access_token_response", _refuse_server_errors)
    session.register_compliance_hook("refresh_token_response", _refuse_server_errors)
    return session


def authorization_request() -> AuthorizationRequest:
    verifier = get_random_string(64, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    session = _session()
    url, state = session.create_authorization_url(
        business_settings.LOOP_AUTHORIZE_URL,
        code_verifier=verifier,
        client_key=business_settings.LOOP_CLIENT_KEY,
    )
    return AuthorizationRequest(url, state, verifier)


def token_set(data: dict[str, Any]) -> TokenSet:
    now = timezone.now()
    try:
        return TokenSet(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            open_id=str(data["open_id"]),
            scopes=str(data.get("scope", "")),
            access_expires_at=now + timedelta(seconds=int(data["expires_in"])),
            refresh_expires_at=now + timedelta(seconds=int(data.get("refresh_expires_in") or data["expires_in"])),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ProviderRefused("invalid_response", "the token response is incomplete") from error


def _call(action: Any) -> Any:
    try:
        return action()
    except requests.RequestException as error:
        raise ProviderUnavailable(str(error)) from error
    except OAuthError as error:
        raise ProviderRefused(error.error or "invalid_request", error.description or "") from error
    except ValueError as error:  # a body that is not JSON
        raise ProviderUnavailable(str(error)) from error


def exchange_code(code: str, code_verifier: str) -> TokenSet:
    session = _session()
    data = _call(
        lambda: session.fetch_token(
            business_settings.LOOP_TOKEN_URL,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            redirect_uri=callback_url(),
            headers=_headers(),
            timeout=TIMEOUT_SECONDS,
        )
    )
    return token_set(dict(data))


def refresh(refresh_token: str) -> TokenSet:
    session = _session()
    data = _call(
        lambda: session.refresh_token(
            business_settings.LOOP_TOKEN_URL, refresh_token=refresh_token, headers=_headers(), timeout=TIMEOUT_SECONDS
        )
    )
    return token_set(dict(data))


def fetch_identity(access_token: str) -> LoopIdentity:
    def get() -> requests.Response:
        return _http().get(
            business_settings.LOOP_USER_INFO_URL,
            params={"fields": USER_FIELDS},
            headers={"Authorization": f"Bearer {access_token}", **_headers()},
            timeout=TIMEOUT_SECONDS,
        )

    response = _refuse_server_errors(_call(get))
    body = _call(response.json)
    if not isinstance(body, dict):
        raise ProviderRefused("invalid_response", "user info is not a JSON object")
    # TikTok's v2 API envelope, {"data": …, "error": {"code": "ok" | "access_token_invalid" | …, "message",
    # "log_id"}}; or OAuth's {"error": "invalid_token", "error_description": …}, which Loop answered before.
    error: dict[str, Any] = body["error"] if isinstance(body.get("error"), dict) else {"code": body.get("error")}
    code = str(error.get("code") or "ok")
    if response.status_code != 200 or code != "ok":
        code = "invalid_token" if code in {"ok", "access_token_invalid"} else code
        raise ProviderRefused(code, str(error.get("message") or body.get("error_description") or ""))
    user = (body.get("data") or {}).get("user") or {}
    if not user.get("open_id"):
        raise ProviderRefused("invalid_response", "user info has no open_id")
    return LoopIdentity(
        open_id=str(user["open_id"]),
        union_id=str(user.get("union_id", "")),
        username=str(user.get("username", "")),
        display_name=str(user.get("display_name", "")),
        avatar_url=str(user.get("avatar_url", "")),
    )


def _headers(request_id: str = "") -> dict[str, str]:
    """The request id of the request (or the queued call) this call to Loop is part of."""
    return {REQUEST_ID_HEADER: request_id} if request_id else outbound_headers()


def revoke(token: str, *, timeout: float = TIMEOUT_SECONDS, request_id: str = "") -> None:
    session = _session()
    response = _call(
        lambda: session.revoke_token(
            business_settings.LOOP_REVOKE_URL, token=token, timeout=timeout, headers=_headers(request_id)
        )
    )
    _refuse_server_errors(response)
    if response.status_code != 200:
        raise ProviderRefused(f"HTTP {response.status_code}")


def can_introspect() -> bool:
    """Whether the provider has an introspection endpoint (Loop has, TikTok has not)."""
    return bool(business_settings.LOOP_INTROSPECT_URL)


def _post_as_client(url: str, **data: str) -> dict[str, Any]:
    """POST to one of Loop's client-authenticated endpoints (introspection, the log of ended grants)
    over this thread's session; its JSON object. Raises ``ProviderUnavailable``/``ProviderRefused``."""

    def post() -> requests.Response:
        credentials = {
            "client_key": business_settings.LOOP_CLIENT_KEY,
            "client_secret": business_settings.LOOP_CLIENT_SECRET,
        }
        return _http().post(url, data={**credentials, **data}, headers=_headers(), timeout=TIMEOUT_SECONDS)

    response = _refuse_server_errors(_call(post))
    body = _call(response.json)
    if response.status_code != 200 or not isinstance(body, dict):
        raise ProviderRefused(str(body.get("error", "invalid_client") if isinstance(body, dict) else "invalid"))
    return body


def introspect(token: str) -> bool:
    """Whether Loop still honours ``token`` (RFC 7662). Raises ``ProviderUnavailable``/``ProviderRefused``."""
    return _post_as_client(business_settings.LOOP_INTROSPECT_URL, token=token).get("active") is True


@dataclass(frozen=True)
class GrantEnding:
    open_id: str
    reason: int
    ended_at: float  # Unix time, to the microsecond


def can_read_grant_endings() -> bool:
    """Whether the provider keeps a log of ended grants (Loop does, TikTok does not)."""
    return bool(business_settings.LOOP_GRANT_ENDINGS_URL)


def grant_endings(since: float, cursor: str = "") -> tuple[list[GrantEnding], str, bool]:
    """One page of Loop's log of this app's ended grants from ``since`` (and ``cursor``): the endings,
    the cursor to read on from, and whether there are more. Raises ``ProviderUnavailable``/``ProviderRefused``."""
    body = _post_as_client(business_settings.LOOP_GRANT_ENDINGS_URL, since=f"{since:.6f}", cursor=cursor)
    try:
        endings = [GrantEnding(str(e["open_id"]), int(e["reason"]), float(e["ended_at"])) for e in body["endings"]]
        return endings, str(body["cursor"]), bool(body["has_more"])
    except (KeyError, TypeError, ValueError) as error:
        raise ProviderRefused("invalid_response", "the log of grant endings is incomplete") from error
