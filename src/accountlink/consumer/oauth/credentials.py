"""What callers present to Loop's OAuth endpoints, and how it is checked: the one home of client
authentication and of every lookup of a token or code by its value.

Tokens and codes are found by checksum (the SHA-256 django-oauth-toolkit stores in ``token_checksum``),
never by the value itself. Client secrets are sealed, not hashed (webhooks are signed with them): a
presented secret is compared with the sealed one by SHA-256 digest, in constant time (DESIGN §8).

oauthlib authenticates clients at the token endpoint through the validator, which checks the secret
here (``secret_matches``); revoke and introspect, which oauthlib does not run, call
``authenticate_client``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from accountlink.consumer.accounts.models import AccountStatus, LoopAccount
from accountlink.kit import rawsql as sql
from accountlink.kit.crypto import InvalidToken, digest_of_sealed

from .models import Client, ClientOpenId, RedeemedCode


def checksum(value: str) -> str:
    """How a token or an authorization code is looked up (and how a redeemed code is remembered)."""
    return hashlib.sha256(value.encode()).hexdigest()


# -- clients -----------------------------------------------------------------------------------


def presented_client_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """``client_key``/``client_secret`` in the form body (Loop's wire) or HTTP Basic (RFC 6749 §2.3.1);
    None when the Basic header cannot be read."""
    key = request.POST.get("client_key") or request.POST.get("client_id") or ""
    secret = request.POST.get("client_secret") or ""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except ValueError:  # not ASCII, not base64 (binascii.Error) or not UTF-8 (UnicodeDecodeError)
            return None
        key, _, secret = decoded.partition(":")
        key, secret = unquote_plus(key), unquote_plus(secret)
    return key, secret


def secret_matches(presented: str, sealed: str) -> bool:
    """Whether ``presented`` is the client secret sealed in ``sealed``; False when it cannot be opened.
    Their SHA-256 digests are compared in constant time (``kit.crypto.digest_of_sealed``)."""
    try:
        expected = digest_of_sealed(sealed)
    except InvalidToken:
        return False
    return constant_time_compare(hashlib.sha256(presented.encode("utf-8", "surrogatepass")).digest(), expected)


@functools.cache
def _client_sql() -> str:
    return f"SELECT {sql.column(Client, 'id')}, {sql.column(Client, 'client_secret')} FROM {sql.table(Client)} WHERE {sql.column(Client, 'client_id')} = %s"  # noqa: S608 (names from metadata)


def authenticate_client(request: HttpRequest) -> Client | None:
    """The client whose key and secret the request carries, or None. Read by hand (kit/rawsql.py): the
    client comes back with its other fields deferred, loaded if a caller asks for them."""
    key, secret = presented_client_credentials(request) or ("", "")
    if not key or not secret:
        return None
    row = sql.fetch_one(_client_sql(), [key])
    if row is None or not secret_matches(secret, row[1]):
        return None
    return sql.instance(Client, {"id": row[0], "client_id": key, "client_secret": row[1]})


# -- tokens and codes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bearer:
    """A valid access token, with what user info and introspection answer about it."""

    client_id: int
    scope: str
    expires: datetime
    account_id: int
    display_name: str
    handle: str
    open_id: str


@functools.cache
def _bearer_sql() -> str:
    """The token, its holder and the holder's open_id for the token's app, by the token's checksum."""
    token, account, open_id = get_access_token_model(), LoopAccount, ClientOpenId
    t, a, o = (functools.partial(sql.column, model) for model in (token, account, open_id))
    return (
        f"SELECT {t('application')}, {t('scope')}, {t('expires')}, {t('user')}, "  # noqa: S608 (names from metadata)
        f"{a('display_name')}, {a('handle')}, {o('value')} "
        f"FROM {sql.table(token)} JOIN {sql.table(account)} ON {a('id')} = {t('user')} "
        f"LEFT JOIN {sql.table(open_id)} ON {o('account')} = {t('user')} AND {o('client')} = {t('application')} "
        f"WHERE {t('token_checksum')} = %s AND {t('expires')} > %s "
        f"AND {a('status')} = %s AND {a('verified_at')} IS NOT NULL"  # LoopAccount.is_active
    )


def bearer(value: str) -> Bearer | None:
    """The valid access token with this value (known, unexpired, its holder active), read in one indexed
    query (kit/rawsql.py); None otherwise. A revoked token's row is gone, so a revocation shows at the
    next request."""
    row = sql.fetch_one(_bearer_sql(), [checksum(value), sql.now(), AccountStatus.ACTIVE])
    if row is None:
        return None
    client_id, scope, expires, account_id, display_name, handle, open_id = row
    return Bearer(client_id, scope, sql.read_moment(expires), account_id, display_name, handle, open_id or "")


@dataclass(frozen=True)
class PresentedRefreshToken:
    """A refresh token a client presented, with what the refresh grant decides on."""

    id: int
    revoked: bool
    token_family: uuid.UUID | None
    holder: LoopAccount  # its status, verified_at and birth_date only
    access_token_id: int | None  # None once it was rotated or its grant revoked
    scope: str
    expires: datetime | None  # its access token's
    open_id: str


@functools.cache
def _presented_refresh_sql() -> str:
    refresh, access, account, open_id = get_refresh_token_model(), get_access_token_model(), LoopAccount, ClientOpenId
    r, t, a, o = (functools.partial(sql.column, model) for model in (refresh, access, account, open_id))
    return (
        f"SELECT {r('id')}, {r('revoked')}, {r('token_family')}, {r('access_token')}, {t('scope')}, "  # noqa: S608 (names from metadata)
        f"{t('expires')}, {a('id')}, {a('status')}, {a('verified_at')}, {a('birth_date')}, {o('value')} "
        f"FROM {sql.table(refresh)} JOIN {sql.table(account)} ON {a('id')} = {r('user')} "
        f"LEFT JOIN {sql.table(access)} ON {t('id')} = {r('access_token')} "
        f"LEFT JOIN {sql.table(open_id)} ON {o('account')} = {r('user')} AND {o('client')} = {r('application')} "
        # "+ 0": without statistics SQLite would walk the app's every refresh token by its application
        # index instead of finding this one by its checksum (thousands of rows instead of one).
        f"WHERE {r('token_checksum')} = %s AND {r('application')} + 0 = %s "
        f"ORDER BY CASE WHEN {r('revoked')} IS NULL THEN 0 ELSE 1 END, {r('revoked')} DESC"  # the live row first
    )


def presented_refresh_token(client: Client, value: str) -> PresentedRefreshToken | None:
    """The client's refresh token with this value, in one indexed query (kit/rawsql.py), or None."""
    row = sql.fetch_one(_presented_refresh_sql(), [checksum(value), client.pk])
    if row is None:
        return None
    token_id, revoked, family, access_id, scope, expires, account_id, status, verified_at, birth_date, open_id = row
    moment = verified_at and sql.read_moment(verified_at)
    holder = sql.instance(
        LoopAccount,
        {"id": account_id, "status": status, "verified_at": moment, "birth_date": sql.read_date(birth_date)},
    )
    return PresentedRefreshToken(
        id=token_id,
        revoked=revoked is not None,
        token_family=None if family is None else uuid.UUID(str(family)),
        holder=holder,
        access_token_id=access_id,
        scope=scope or "",
        expires=None if expires is None else sql.read_moment(expires),
        open_id=open_id or "",
    )


def unrevoked_refresh_token(client: Client, value: str) -> Any:
    """The client's refresh token with this value, not revoked and still paired with its access token
    (whose expiry its own follows), with its account; None if there is none."""
    found = (
        get_refresh_token_model()
        .objects.select_related("user", "access_token")
        .filter(token_checksum=checksum(value), revoked__isnull=True, access_token__isnull=False)
        .first()
    )
    return _of_client(found, client)


def _of_client(token: Any, client: Client) -> Any:
    """``token`` if it was issued to ``client``. Tokens and codes are found by checksum alone, and their
    app checked here: asked for both, SQLite (which keeps no statistics) may walk the app's index, every
    token the app was ever issued, to find one (issue 18; tests/consumer/test_indexed_lookups.py)."""
    return token if token is not None and token.application_id == client.pk else None


def token_family(client: Client, value: str) -> uuid.UUID | None:
    """The grant an access or refresh token belongs to, if the token was issued to this client."""
    digest = checksum(value)
    refresh_model = get_refresh_token_model()
    refresh = refresh_model.objects.filter(token_checksum=digest).first()
    if refresh is not None:
        return refresh.token_family if _of_client(refresh, client) else None
    access = _of_client(get_access_token_model().objects.filter(token_checksum=digest).first(), client)
    if access is None:
        return None
    source = access.source_refresh_token
    if source is not None:
        return source.token_family
    issued = refresh_model.objects.filter(access_token=access).first()
    return issued.token_family if issued else None


def redeemed_code(client: Client, code: str) -> RedeemedCode | None:
    """The record of this client's earlier redemption of ``code``, if it was redeemed before."""
    redeemed = RedeemedCode.objects.filter(code_digest=checksum(code)).first()
    return redeemed if redeemed is not None and redeemed.client_id == client.pk else None
