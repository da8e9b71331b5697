"""What callers present to Loop's OAuth endpoints, and how it is checked: the one home of client
authentication and of every lookup of a token or code by its value.

Tokens and codes are found by checksum (the SHA-256 django-oauth-toolkit stores in ``token_checksum``),
never by the value itself. Client secrets are sealed, not hashed: they are opened and compared in
constant time (DESIGN §8).

oauthlib authenticates clients at the token endpoint through the validator, which checks the secret
here (``secret_matches``); revoke and introspect, which oauthlib does not run, call
``authenticate_client``.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any
from urllib.parse import unquote_plus

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from accountlink.kit.crypto import InvalidToken, open_sealed

from .models import Client, RedeemedCode


def checksum(value: str) -> str:
    """How a token or an authorization code is looked up (and how a redeemed code is remembered)."""
    return hashlib.sha256(value.encode()).hexdigest()


# -- clients -----------------------------------------------------------------------------------


def presented_client_credentials(request: HttpRequest) -> tuple[str, str] | None:
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


def secret_matches(presented: str, sealed: str) -> bool:
    """Whether ``presented`` is the client secret sealed in ``sealed``; False when it cannot be opened."""
    try:
        expected = open_sealed(sealed)
    except InvalidToken:
        return False
    return constant_time_compare(presented, expected)


def authenticate_client(request: HttpRequest) -> Client | None:
    """The client whose key and secret the request carries, or None."""
    key, secret = presented_client_credentials(request) or ("", "")
    if not key or not secret:
        return None
    client = Client.objects.filter(client_id=key).first()
    if client is None or not secret_matches(secret, client.client_secret):
        return None
    return client


# -- tokens and codes --------------------------------------------------------------------------


def access_token(value: str) -> Any:
    """The access token with this value, with its account and client; None if there is none."""
    return (
        get_access_token_model()
        .objects.select_related("user", "application")
        .filter(token_checksum=checksum(value))
        .first()
    )


def live_access_token(client: Client, value: str) -> Any:
    """The client's unexpired access token with this value, with its account; None if there is none."""
    return (
        get_access_token_model()
        .objects.select_related("user")
        .filter(application=client, token_checksum=checksum(value), expires__gt=timezone.now())
        .first()
    )


def unrevoked_refresh_token(client: Client, value: str) -> Any:
    """The client's refresh token with this value, not revoked and still paired with its access token
    (whose expiry its own follows), with its account; None if there is none."""
    return (
        get_refresh_token_model()
        .objects.select_related("user", "access_token")
        .filter(application=client, token_checksum=checksum(value), revoked__isnull=True, access_token__isnull=False)
        .first()
    )


def refresh_tokens_with_value(value: str) -> QuerySet[Any]:
    """The refresh token rows with this value (at most one), as a queryset a caller can lock or filter."""
    return get_refresh_token_model().objects.filter(token_checksum=checksum(value))


def token_family(client: Client, value: str) -> uuid.UUID | None:
    """The grant an access or refresh token belongs to, if the token was issued to this client."""
    digest = checksum(value)
    refresh_model = get_refresh_token_model()
    refresh = refresh_model.objects.filter(application=client, token_checksum=digest).first()
    if refresh is not None:
        return refresh.token_family
    access = get_access_token_model().objects.filter(application=client, token_checksum=digest).first()
    if access is None:
        return None
    source = access.source_refresh_token
    if source is not None:
        return source.token_family
    issued = refresh_model.objects.filter(access_token=access).first()
    return issued.token_family if issued else None


def redeemed_code(client: Client, code: str) -> RedeemedCode | None:
    """The record of this client's earlier redemption of ``code``, if it was redeemed before."""
    return RedeemedCode.objects.filter(code_digest=checksum(code), client=client).first()
