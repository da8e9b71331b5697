"""The refresh grant (RFC 6749 §6; TikTok's "Refresh an access token"), in Loop's own code (issue 18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model, set_token_value
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import generate_token

from accountlink.kit.errors import CodedError

from .. import credentials
from ..models import AppPermission, Client
from ..scopes import parse_scopes
from . import REFRESH_TOKEN_REUSED, check_can_authorize, do_revoke_token_family, open_id_of


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

    django-oauth-toolkit ran it through oauthlib in one transaction, which on SQLite holds the one write
    lock for the whole request (issue 18); here the transaction holds only the rotation. Its rules are
    django-oauth-toolkit's with no grace period: the token is this client's and its locked row is
    rotated once; a revoked token presented again is a replay (RFC 9700 §4.14.2) that revokes its grant
    (``do_revoke_token_family``); it lives ``REFRESH_TOKEN_EXPIRE_SECONDS`` past its access token's
    expiry; the holder must still be able to authorize apps (R4)."""
    new_access, new_refresh = generate_token(), generate_token()
    lifetime = int(oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
    refresh_model, access_model = get_refresh_token_model(), get_access_token_model()
    with transaction.atomic(durable=True):
        presented: Any = (
            credentials.refresh_tokens_with_value(value)
            .filter(application=client)
            .select_for_update(of=("self",))  # the token's row; its access token may be gone (NULL)
            .select_related("access_token", "user")
            .order_by(F("revoked").desc(nulls_first=True))
            .first()
        )
        refusal = _refresh_refusal(client, presented, asked_scope)
        if refusal is None:
            original = parse_scopes(presented.access_token.scope)
            scope = " ".join(parse_scopes(asked_scope) or original)
            # What RefreshToken.revoke() does, without reading again the row locked above.
            access_model.objects.filter(pk=presented.access_token_id).delete()
            refresh_model.objects.filter(pk=presented.pk).update(revoked=timezone.now(), access_token=None)
            access = access_model(
                user=presented.user,
                application=client,
                expires=timezone.now() + timedelta(seconds=lifetime),
                scope=scope,
                source_refresh_token=presented,
            )
            set_token_value(access, new_access)
            access.save()
            rotated = refresh_model(
                user=presented.user, application=client, access_token=access, token_family=presented.token_family
            )
            set_token_value(rotated, new_refresh)
            rotated.save()
            open_id = open_id_of(presented.user, client) or ""
    if refusal is not None:
        raise RefreshRefused(refusal)  # after the commit: a replay's revocation stands
    return Refreshed(new_access, new_refresh, lifetime, scope, open_id)


def _refresh_refusal(client: Client, presented: Any, asked_scope: str) -> str | None:
    """Why the presented refresh token gets no new pair (its replay handled), or None. In the transaction."""
    if presented is None:
        return "invalid_grant"
    if presented.revoked is not None:
        # A replay: revoke what the grant still holds, unless the app's access has ended already.
        granted = AppPermission.objects.filter(account_id=presented.user_id, client=client).exists()
        if presented.token_family is not None and granted:
            do_revoke_token_family(client, presented.token_family, reason=REFRESH_TOKEN_REUSED)
        return "invalid_grant"
    access = presented.access_token
    if access is None:
        return "invalid_grant"
    lives = timedelta(seconds=int(oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0))
    if access.expires + lives <= timezone.now():
        return "invalid_grant"
    try:
        check_can_authorize(presented.user)
    except CodedError:
        return "invalid_grant"
    if not set(parse_scopes(asked_scope)) <= set(parse_scopes(access.scope)):
        return "invalid_scope"
    return None
