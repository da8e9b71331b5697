"""The one seam between oauthlib and Loop's tables (as in django-oauth-toolkit's design).

Secrets and token lookups come from ``credentials``; state changes (a code redeemed, a grant revoked
on reuse) are the actions'.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlsplit

from oauth2_provider.models import get_grant_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.common import Request

from accountlink.kit.errors import CodedError

from . import credentials
from .actions import (
    CODE_REUSED,
    check_can_authorize,
    do_redeem_code,
    do_revoke_token_family,
    open_id_of,
)
from .models import Client


def _may_authorize(account: Any) -> bool:
    """R4 again when a code or refresh token is redeemed: the account may have changed since consent."""
    try:
        check_can_authorize(account)
    except CodedError:
        return False
    return True


# TikTok's Login Kit for Desktop documents the S256 challenge as the hex SHA-256 of the verifier
# (64 hex digits); RFC 7636 as its base64url (43 characters). Both encode the same digest.
_HEX_CHALLENGE = re.compile(r"[0-9a-fA-F]{64}")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def standard_challenge(challenge: str) -> str:
    """The S256 challenge in RFC 7636's encoding (base64url), whichever encoding the app sent."""
    if _HEX_CHALLENGE.fullmatch(challenge):
        return base64.urlsafe_b64encode(bytes.fromhex(challenge)).rstrip(b"=").decode()
    return challenge


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and not text.startswith("0") and 0 < int(text) < 65536


def matches_wildcard_port(registered: str, presented: str) -> bool:
    """Whether ``presented`` is the desktop redirect URI ``registered`` (``http://127.0.0.1:*/callback/``)
    with some port in place of ``*``: the same scheme, loopback host and path, and no user, query or fragment."""
    try:
        pattern, actual = urlsplit(registered), urlsplit(presented)
    except ValueError:  # not a URL at all (an unclosed IPv6 bracket, say)
        return False
    host, _colon, port = pattern.netloc.rpartition(":")
    if port != "*" or host not in LOOPBACK_HOSTS or pattern.query or pattern.fragment:
        return False
    actual_host, _colon, actual_port = actual.netloc.rpartition(":")
    return (
        (actual.scheme, actual_host, actual.path) == (pattern.scheme, host, pattern.path)
        and _is_port(actual_port)
        and not actual.query
        and not actual.fragment
        and "?" not in presented
        and "#" not in presented
    )


def redirect_uri_allowed(client: Client, redirect_uri: str) -> bool:
    """Exact string match against a registered URI; a desktop app's loopback URI may leave the port free
    (``*``), as TikTok's Login Kit for Desktop allows."""
    registered = client.redirect_uris.split()
    if redirect_uri in registered:
        return True
    if client.platform != Client.Platform.DESKTOP:
        return False
    return any(matches_wildcard_port(uri, redirect_uri) for uri in registered if ":*/" in uri)


class LoopOAuth2Validator(OAuth2Validator):
    def _check_secret(self, provided_secret: str, stored_secret: str) -> bool:
        """Secrets are sealed, not hashed (``credentials.secret_matches``)."""
        return credentials.secret_matches(provided_secret, stored_secret)

    def _authenticate_basic_auth(self, request: Request) -> bool:
        """django-oauth-toolkit expects only ``binascii.Error`` from base64; a header that is not ASCII
        raises ``ValueError`` instead (a server error). It is a failed client authentication."""
        if not (self._extract_basic_auth(request) or "").isascii():
            return False
        return bool(super()._authenticate_basic_auth(request))

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        """Exact match (``redirect_uri_allowed``); no prefix or query leniency, and a free port only where
        a desktop app registered ``*``."""
        client: Client = request.client
        return redirect_uri_allowed(client, redirect_uri)

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, client: Client, *args: Any, **kwargs: Any
    ) -> bool:
        grant = get_grant_model().objects.filter(code=code, application=client).first()
        return grant is not None and grant.redirect_uri == redirect_uri

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Client, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        return bool(scopes) and set(scopes) <= set(client.scope_list())

    def get_default_scopes(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> list[str]:
        return request.client.scope_list()[:1]

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        """Public (desktop) apps and apps that ask for it must use PKCE; for a confidential web app it is
        optional, as TikTok's Login Kit for Web documents (DESIGN §8). A client that cannot be found
        falls back to the ``PKCE_REQUIRED`` setting."""
        client = request.client if isinstance(request.client, Client) else None
        if client is None:
            client = Client.objects.filter(client_id=client_id).first()
        if client is None:
            return bool(super().is_pkce_required(client_id, request))
        return client.pkce_required

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        """The stored challenge in base64url, so that oauthlib's S256 check takes a hex one too."""
        challenge = super().get_code_challenge(code, request)
        return standard_challenge(challenge) if challenge else None

    def validate_code(
        self, client_id: str, code: str, client: Client, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        """Lock the code's row so that of many parallel redemptions exactly one succeeds.

        A code that was already redeemed revokes everything it issued (RFC 9700 §4.5): someone
        other than the client may hold it.
        """
        grant = get_grant_model().objects.select_for_update().filter(code=code, application=client).first()
        if grant is None:
            used = credentials.redeemed_code(client, code)
            if used is not None and used.token_family is not None:
                do_revoke_token_family(client, used.token_family, reason=CODE_REUSED)
            return False
        if not _may_authorize(grant.user):
            return False
        return bool(super().validate_code(client_id, code, client, request, *args, **kwargs))

    def validate_bearer_token(self, token: str, scopes: list[str], request: Request) -> bool:
        """A protected endpoint's bearer token: django-oauth-toolkit's check (known, unexpired, in scope),
        and the account behind it still active (a suspended or deleted holder's tokens stop at once)."""
        return bool(super().validate_bearer_token(token, scopes, request)) and request.user.is_active

    def save_bearer_token(self, token: dict[str, Any], request: Request, *args: Any, **kwargs: Any) -> None:
        """Store the pair as django-oauth-toolkit does; the answer also names the holder's open_id for the
        app (Loop's token response), found here, where the holder and the app are known."""
        super().save_bearer_token(token, request, *args, **kwargs)
        token["open_id"] = open_id_of(request.user, request.client) or ""

    def _create_refresh_token(
        self, request: Request, refresh_token_code: str, access_token: Any, previous_refresh_token: Any
    ) -> Any:
        """Note the grant's token family on the request: the code's redemption record (below) names it."""
        token = super()._create_refresh_token(request, refresh_token_code, access_token, previous_refresh_token)
        request.loop_token_family = token.token_family
        return token

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *args: Any, **kwargs: Any
    ) -> None:
        """The code is used up: django-oauth-toolkit deletes it, and Loop remembers it was redeemed."""
        super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        do_redeem_code(
            request.client,
            code,
            account=request.user,
            scopes=list(request.scopes or []),
            token_family=getattr(request, "loop_token_family", None),
        )
