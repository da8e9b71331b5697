"""Everything that changes Loop's OAuth state for an account: consent, tokens issued, revocation (STYLE rule 1).

The refresh grant is ``actions.refresh``'s. Registering and changing the apps themselves is
``registration.py``'s."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model
from oauth2_provider.oauth2_backends import get_oauthlib_core

from accountlink.consumer.accounts.models import AccountStatus, LoopAccount
from accountlink.consumer.webhooks.actions import do_queue_authorization_removed
from accountlink.consumer.webhooks.models import RemovalReason
from accountlink.kit.accounts.actions import notify_all_contacts
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.housekeeping.actions import delete_in_batches
from accountlink.kit.transactions import in_callers_transaction

from .. import credentials
from ..models import AppPermission, Client, ClientOpenId, GrantEnding, RedeemedCode
from ..scopes import SCOPES, format_scopes, parse_scopes

LINKING_AGE = 18

# Why an app permission ended (audit ``reason``) → the ``content.reason`` its webhook carries (DESIGN §7).
REMOVED_BY_HOLDER = "removed_by_holder"
ACCOUNT_DELETED = "account_deleted"
AGE_CHANGED = "age_changed"
ACCOUNT_SUSPENDED = "account_suspended"
REVOKED_BY_CLIENT = "revoked_by_client"
CODE_REUSED = "code_reused"
REFRESH_TOKEN_REUSED = "refresh_token_reused"
WEBHOOK_REASONS: dict[str, RemovalReason] = {
    REMOVED_BY_HOLDER: RemovalReason.HOLDER_REMOVED_ACCESS,
    ACCOUNT_DELETED: RemovalReason.ACCOUNT_DELETED,
    AGE_CHANGED: RemovalReason.AGE_CHANGED,
    ACCOUNT_SUSPENDED: RemovalReason.ACCOUNT_SUSPENDED,
    REVOKED_BY_CLIENT: RemovalReason.REVOKED_BY_CLIENT,
    # Loop's replay defence (RFC 9700 §4.5, §4.14.2) ends the grant, but the developer revoked nothing:
    # reason 5 would say they did. TikTok documents no reason for it, so the app hears 0 (unknown).
    CODE_REUSED: RemovalReason.UNKNOWN,
    REFRESH_TOKEN_REUSED: RemovalReason.UNKNOWN,
}


def check_can_authorize(account: LoopAccount) -> None:
    """R4: only an active account of a holder aged 18 or over can grant an app access."""
    if account.status != AccountStatus.ACTIVE or account.verified_at is None:
        raise CodedError(ErrorCode.LINK_ACCOUNT_UNAVAILABLE)
    if account.age < LINKING_AGE:
        raise CodedError(ErrorCode.LINK_AGE_REQUIREMENT)


def open_id_of(account: LoopAccount, client: Client) -> str | None:
    row = ClientOpenId.objects.filter(account=account, client=client).first()
    return row.value if row else None


def do_authorize_client(account: LoopAccount, client: Client) -> None:
    """The holder pressed Authorize (or had before): the app gets its open_id for the account, and then
    a code. The app permission itself comes with the tokens (``do_redeem_code``): an app that never
    comes back for them never had access, and is neither listed nor told anything."""
    check_can_authorize(account)
    with transaction.atomic(durable=True):
        ClientOpenId.objects.get_or_create(account=account, client=client)


@in_callers_transaction
def do_grant_permission(account: LoopAccount, client: Client, scopes: list[str]) -> AppPermission:
    """The app got tokens for ``scopes``: record (or widen) its app permission, in the caller's transaction.

    The holder hears about it the first time an app gets access, or when it gets more (R8). Of two
    codes redeemed at once, one creates the row and the other finds it (the unique constraint).
    """
    now = timezone.now()
    permission, created = AppPermission.objects.get_or_create(
        account=account, client=client, defaults={"scopes": format_scopes(scopes), "granted_at": now, "updated_at": now}
    )
    merged = scopes
    if not created:
        permission = AppPermission.objects.select_for_update().get(pk=permission.pk)
        if permission.covers(scopes):
            return permission
        merged = [*permission.scope_list(), *(s for s in scopes if s not in permission.scope_list())]
        permission.set_scopes(merged)
        permission.updated_at = now
        permission.save()
    record(EventKind.APP_AUTHORIZED, account=account, actor=account, client=client.name, scopes=merged)
    notify_all_contacts(account, "app_authorized", app_name=client.name)
    return permission


def do_issue_tokens(request: HttpRequest) -> tuple[str, int]:
    """The authorization code grant: redeem a code, as oauthlib answers it through the validator; returns
    oauthlib's JSON body and status. (The refresh grant is ``refresh.do_refresh_tokens``.)

    One transaction: the code the validator locks stays locked until the tokens it issues (and the
    code's redemption) are stored, so of parallel presentations exactly one succeeds.
    """
    with transaction.atomic(durable=True):
        _uri, _headers, body, status = get_oauthlib_core().create_token_response(request)
    return body, status


@in_callers_transaction
def do_redeem_code(
    client: Client, code: str, *, account: LoopAccount, scopes: list[str], token_family: uuid.UUID | None
) -> None:
    """``account``'s authorization code was exchanged for the tokens of ``token_family``: the app now has
    access (its permission is granted), the code is remembered (by checksum) so that a replay can
    revoke what it issued (RFC 9700 §4.5), and it is audited. Runs in ``do_issue_tokens``'s transaction."""
    do_grant_permission(account, client, scopes)
    RedeemedCode.objects.create(code_digest=credentials.checksum(code), client=client, token_family=token_family)
    record(EventKind.APP_TOKENS_ISSUED, account=account, client=client.name)


def _live_families(account_id: int, client: Client) -> set[uuid.UUID]:
    refresh_tokens = get_refresh_token_model().objects.filter(
        user_id=account_id, application=client, revoked__isnull=True
    )
    return set(refresh_tokens.values_list("token_family", flat=True))


def do_revoke_token_family(client: Client, family: uuid.UUID, *, reason: str) -> None:
    """Revoke one grant: every access and refresh token descended from one authorization code.

    When that leaves the app no live grant for the account, its app permission goes too.
    """
    refresh_model = get_refresh_token_model()
    access_model = get_access_token_model()
    with transaction.atomic():
        # By the family alone (one grant of one app), not also by the app: see credentials._of_client.
        family_tokens = refresh_model.objects.select_for_update().filter(token_family=family)
        tokens = [token for token in family_tokens if token.application_id == client.pk]
        if not tokens:
            return
        account_id = tokens[0].user_id
        access_ids = [token.access_token_id for token in tokens if token.access_token_id]
        access_model.objects.filter(pk__in=access_ids).delete()
        access_model.objects.filter(source_refresh_token__in=tokens).delete()
        refresh_model.objects.filter(pk__in=[token.pk for token in tokens], revoked__isnull=True).update(
            revoked=timezone.now()
        )
        account = LoopAccount.objects.get(pk=account_id)
        record(EventKind.APP_TOKENS_REVOKED, account=account, client=client.name, reason=reason)
        if not _live_families(account_id, client):
            _end_permission(account, client, reason=reason)


def _end_permission(account: LoopAccount, client: Client, *, reason: str, actor: LoopAccount | None = None) -> None:
    """The one place an app permission ends: audited, the holder notified and the app told by webhook."""
    deleted, _ = AppPermission.objects.filter(account=account, client=client).delete()
    get_grant_model().objects.filter(user=account, application=client).delete()
    if deleted:
        record(EventKind.APP_ACCESS_REMOVED, account=account, actor=actor, client=client.name, reason=reason)
        notify_all_contacts(account, "app_access_removed", app_name=client.name)
        webhook_reason = WEBHOOK_REASONS.get(reason, RemovalReason.UNKNOWN)
        open_id, _created = ClientOpenId.objects.get_or_create(account=account, client=client)
        GrantEnding.objects.create(client=client, open_id=open_id.value, reason=int(webhook_reason))
        do_queue_authorization_removed(account, client, webhook_reason)


def _revoke_all_tokens(account: LoopAccount, client: Client, *, reason: str) -> None:
    """Every access and refresh token the app holds for the account stops working at once."""
    refresh_model = get_refresh_token_model()
    access_model = get_access_token_model()
    live = refresh_model.objects.filter(user=account, application=client, revoked__isnull=True)
    # Wait for a refresh under way; the statements below then see the tokens it issued.
    list(live.select_for_update().values_list("pk", flat=True))
    access_deleted, _ = access_model.objects.filter(user=account, application=client).delete()
    revoked = live.update(revoked=timezone.now())
    if revoked or access_deleted:
        record(EventKind.APP_TOKENS_REVOKED, account=account, client=client.name, reason=reason)


@in_callers_transaction
def do_end_app_access(account: LoopAccount, client: Client, *, reason: str, actor: LoopAccount | None = None) -> None:
    """Revoke every grant of the app for the account and end its permission, in the caller's transaction."""
    # Codes first: one being redeemed holds its row, so its tokens exist by the time they are revoked.
    get_grant_model().objects.filter(user=account, application=client).delete()
    _revoke_all_tokens(account, client, reason=reason)
    _end_permission(account, client, reason=reason, actor=actor)


def do_end_all_app_access(account: LoopAccount, *, reason: str, actor: LoopAccount | None = None) -> int:
    """R6: the account was suspended, deleted or made too young; every app loses access. Returns how many."""
    clients = list(Client.objects.filter(permissions__account=account).order_by("pk"))
    for client in clients:
        do_end_app_access(account, client, reason=reason, actor=actor)
    return len(clients)


def do_remove_app_access(account: LoopAccount, client: Client, *, actor: LoopAccount) -> bool:
    """**Remove access** on Manage app permissions (DESIGN §4.2). False when the app had no access left."""
    with transaction.atomic(durable=True):
        LoopAccount.objects.select_for_update().filter(pk=account.pk).first()
        if not AppPermission.objects.filter(account=account, client=client).exists():
            return False
        do_end_app_access(account, client, reason=REMOVED_BY_HOLDER, actor=actor)
        return True


def do_revoke_token(client: Client, token: str) -> None:
    """RFC 7009: revoking either token of a grant revokes the whole grant. Unknown tokens are ignored."""
    with transaction.atomic(durable=True):
        family = credentials.token_family(client, token)
        if family is not None:
            do_revoke_token_family(client, family, reason=REVOKED_BY_CLIENT)


def scope_descriptions(scopes: str | list[str]) -> list[str]:
    names = parse_scopes(scopes) if isinstance(scopes, str) else scopes
    return [str(SCOPES[name]) for name in names if name in SCOPES]


# How long the log of ended grants keeps an ending. An app that has not read the log for longer relies on
# its own slower checks (Loop for Business: the rolling check of every link, docs/unlinking.md).
GRANT_ENDINGS_KEPT = timedelta(days=30)


def do_prune_grant_endings() -> int:
    """Delete the endings older than ``GRANT_ENDINGS_KEPT`` (``ACCOUNTLINK_PRUNERS``), app by app: the
    log's index starts with the app."""
    cutoff = timezone.now() - GRANT_ENDINGS_KEPT
    return sum(
        delete_in_batches(GrantEnding.objects.filter(client_id=client_id, ended_at__lt=cutoff))
        for client_id in Client.objects.values_list("pk", flat=True)
    )
