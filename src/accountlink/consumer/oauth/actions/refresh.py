"""The refresh grant (RFC 6749 §6; TikTok's "Refresh an access token"), in Loop's own code (issue 18)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model, set_token_value
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import generate_token

from accountlink.kit import rawsql
from accountlink.kit.errors import CodedError

from .. import credentials
from ..models import AppPermission, Client
from ..scopes import parse_scopes
from . import REFRESH_TOKEN_REUSED, check_can_authorize, do_revoke_token_family


@dataclass(frozen=True)
class Refreshed:
    """The new pair a refresh grant issued, and what its answer says about it."""

    access_token: str
    refresh_token: str
    expires_in: int
    scope: str
    open_id: str


class RefreshRefused(Exception):
    """The refresh grant's refusal; ``error`` is RFC 6749's code (``invalid_grant``, ``invalid_scope``)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def do_refresh_tokens(client: Client, value: str, asked_scope: str = "") -> Refreshed:
    """The refresh grant (RFC 6749 §6) for an authenticated client: the refresh token ``value`` is
    rotated, its access token revoked, and a new pair of the same grant (token family) issued with the
    same scopes, or fewer if ``asked_scope`` names fewer.

    Its rules are django-oauth-toolkit's with no grace period: the token is this client's and is rotated
    once; a revoked token presented again is a replay (RFC 9700 §4.14.2) that revokes its grant
    (``do_revoke_token_family``); it lives ``REFRESH_TOKEN_EXPIRE_SECONDS`` past its access token's
    expiry; the holder must still be able to authorize apps (R4).

    django-oauth-toolkit ran it through oauthlib in one transaction, which on SQLite holds the one write
    lock for the whole request. Here the token is read and judged, and the new rows made, before the
    transaction (issue 18); the transaction holds four hand-written statements (kit/rawsql.py), the first
    of which rotates the token only if it is still live. A request that loses that race to another
    presenting the same token reads it again and finds a replay."""
    presented = credentials.presented_refresh_token(client, value)
    refusal = _refusal(presented, asked_scope)
    if refusal is None:
        assert presented is not None and presented.access_token_id is not None
        issued = _rotate(client, presented, asked_scope)
        if issued is not None:
            return issued
        presented = credentials.presented_refresh_token(client, value)  # rotated meanwhile: a replay
        refusal = _refusal(presented, asked_scope)
    if presented is not None and presented.revoked:
        _revoke_replayed_grant(client, presented)
    raise RefreshRefused(refusal or "invalid_grant")


def _refusal(presented: credentials.PresentedRefreshToken | None, asked_scope: str) -> str | None:
    """Why the presented refresh token gets no new pair, or None."""
    if presented is None or presented.revoked or presented.access_token_id is None or presented.expires is None:
        return "invalid_grant"
    lives = timedelta(seconds=int(oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0))
    if presented.expires + lives <= timezone.now():
        return "invalid_grant"
    try:
        check_can_authorize(presented.holder)
    except CodedError:
        return "invalid_grant"
    if not set(parse_scopes(asked_scope)) <= set(parse_scopes(presented.scope)):
        return "invalid_scope"
    return None


def _rotate(client: Client, presented: credentials.PresentedRefreshToken, asked_scope: str) -> Refreshed | None:
    """Issue the new pair for a live token; None if another request rotated or revoked it first."""
    new_access, new_refresh = generate_token(), generate_token()
    lifetime = int(oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
    scope = " ".join(parse_scopes(asked_scope) or parse_scopes(presented.scope))
    refresh_model, access_model = get_refresh_token_model(), get_access_token_model()
    now = timezone.now()
    access = access_model(
        user_id=presented.holder.pk,
        application=client,
        expires=now + timedelta(seconds=lifetime),
        scope=scope,
        source_refresh_token_id=presented.id,
    )
    set_token_value(access, new_access)
    rotated = refresh_model(user_id=presented.holder.pk, application=client, token_family=presented.token_family)
    set_token_value(rotated, new_refresh)
    access_row, refresh_row = rawsql.Insert.of(access), rawsql.Insert.of(rotated)
    retire = [rawsql.moment(now), rawsql.moment(now), presented.id]  # revoked, updated
    with transaction.atomic(durable=True):
        if not rawsql.execute(_retire_sql(), retire):
            return None
        rawsql.execute(_delete_access_sql(), [presented.access_token_id])
        refresh_row.set("access_token_id", access_row.run())
        refresh_row.run()
    return Refreshed(new_access, new_refresh, lifetime, scope, presented.open_id)


@functools.cache
def _retire_sql() -> str:
    """What ``RefreshToken.revoke()`` does to a live refresh token, and only to a live one."""
    model = get_refresh_token_model()
    column = functools.partial(rawsql.column, model)
    return (
        f"UPDATE {rawsql.table(model)} SET {rawsql.name(model, 'revoked')} = %s, "  # noqa: S608 (names from metadata)
        f"{rawsql.name(model, 'updated')} = %s, {rawsql.name(model, 'access_token')} = NULL "
        f"WHERE {column('id')} = %s AND {column('revoked')} IS NULL"
    )


@functools.cache
def _delete_access_sql() -> str:
    model = get_access_token_model()
    return f"DELETE FROM {rawsql.table(model)} WHERE {rawsql.column(model, 'id')} = %s"  # noqa: S608 (names from metadata)


def _revoke_replayed_grant(client: Client, presented: credentials.PresentedRefreshToken) -> None:
    """A revoked refresh token came back: its grant ends, unless the app's access has ended already."""
    granted = AppPermission.objects.filter(account_id=presented.holder.pk, client=client).exists()
    if presented.token_family is not None and granted:
        do_revoke_token_family(client, presented.token_family, reason=REFRESH_TOKEN_REUSED)
