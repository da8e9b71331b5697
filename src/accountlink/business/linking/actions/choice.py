"""**Continue with Loop** for a Loop account that is not linked: the person chooses (DESIGN §4.4).

After consent, a Loop account with no link does not get a business account at once. The tokens and
identity Loop gave are held (:func:`do_hold_sign_in`) while the person chooses on the choice page:

- create a new business account (``link.do_create_account_with_loop``);
- log in to an existing business account and link it (``link.do_link_loop_account``, R1);
- link again the business account this Loop account was linked to before, when that account has no
  other way to log in (:func:`stranded_account`), so it is not left behind.

The hold is bound to the browser (its session keeps a random key, the database only the key's
hash), lives ``CHOICE_LIFETIME`` and is used once (:func:`do_take_held_sign_in`). Its tokens'
revocation at Loop is queued for when it expires: the action that keeps them cancels it in the
transaction that stores them (``do_release_tokens``); a failed choice revokes them at once, and an
abandoned one is revoked when its time is up (R2, R9).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.crypto import open_sealed, seal
from accountlink.kit.errors import CodedError, ErrorCode

from ..models import HeldSignIn, LoopLink
from ..provider import LoopIdentity, TokenSet
from .revocation import UNFINISHED, do_queue_revocation, do_release_tokens, do_revoke_tokens

CHOICE_LIFETIME = timedelta(minutes=10)
# A link a staff member ended on purpose is not offered again to the Loop account's holder.
NOT_OFFERED_AGAIN = {"unlinked_by_staff"}


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def do_hold_sign_in(identity: LoopIdentity, tokens: TokenSet) -> str:
    """Hold what Loop gave while the person chooses; returns the key for the browser's session.

    The short hold that the code exchange put on the tokens (``do_hold_tokens``) gives way to one that
    lasts as long as the choice may take."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic(durable=True):
        HeldSignIn.objects.filter(expires_at__lt=now).delete()  # their tokens' revocations are queued
        do_release_tokens(tokens)
        do_queue_revocation(
            seal(tokens.refresh_token), open_id=tokens.open_id, reason=UNFINISHED, delay=CHOICE_LIFETIME
        )
        HeldSignIn.objects.create(
            key_hash=_hash(key),
            open_id=tokens.open_id,
            union_id=identity.union_id,
            username=identity.username,
            display_name=identity.display_name,
            avatar_url=identity.avatar_url,
            scopes=tokens.scopes,
            sealed_access_token=seal(tokens.access_token),
            sealed_refresh_token=seal(tokens.refresh_token),
            access_expires_at=tokens.access_expires_at,
            refresh_expires_at=tokens.refresh_expires_at,
            created_at=now,
            expires_at=now + CHOICE_LIFETIME,
        )
    return key


def held_sign_in(key: str) -> HeldSignIn | None:
    """The hold this key opens, while it lasts (what the choice page shows)."""
    if not key:
        return None
    return HeldSignIn.objects.filter(key_hash=_hash(key), expires_at__gt=timezone.now()).first()


def do_take_held_sign_in(key: str) -> tuple[LoopIdentity, TokenSet]:
    """Use the hold, once: it is gone when this returns (a second request with the same key is
    refused). The tokens stay under their queued revocation until an action keeps them."""
    with transaction.atomic(durable=True):
        held = (
            HeldSignIn.objects.select_for_update()
            .filter(key_hash=_hash(key or "-"), expires_at__gt=timezone.now())
            .first()
        )
        if held is None:
            raise CodedError(ErrorCode.LINK_SESSION_EXPIRED)
        held.delete()
    identity = LoopIdentity(held.open_id, held.union_id, held.username, held.display_name, held.avatar_url)
    tokens = TokenSet(
        open_sealed(held.sealed_access_token),
        open_sealed(held.sealed_refresh_token),
        held.open_id,
        held.scopes,
        held.access_expires_at,
        held.refresh_expires_at,
    )
    return identity, tokens


def do_drop_held_sign_in(key: str) -> None:
    """**Cancel** on the choice page (or a choice that cannot go on): the tokens are revoked now."""
    try:
        _identity, tokens = do_take_held_sign_in(key)
    except CodedError:
        return  # nothing held any more: its revocation was queued when it was made
    with transaction.atomic(durable=True):
        do_revoke_tokens(tokens)


def stranded_account(open_id: str) -> BusinessAccount | None:
    """The business account this Loop account was last linked to, if nothing else can log in to it.

    Read from the audit trail (links are deleted when they end): the last ``link.removed`` of this
    open_id, when it is also the last link event of its account (no link since, to this Loop account or
    another), not ended by staff, and the account is active, unlinked and has no usable password or
    no email or phone (R3's "no way to log in")."""
    ended = (
        AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED, data__open_id=open_id)  # index audit_kind_open_id
        .exclude(account=None)
        .order_by("-created_at", "-id")
        .first()
    )
    if ended is None or ended.data.get("reason") in NOT_OFFERED_AGAIN:
        return None
    account = BusinessAccount.objects.filter(pk=ended.account_id or 0).first()
    if account is None or not account.is_active or LoopLink.objects.filter(account=account).exists():
        return None
    last = (
        AuditEvent.objects.filter(account=account, kind__in=[EventKind.LOOP_LINKED, EventKind.LOOP_UNLINKED])
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None or last.pk != ended.pk:
        return None
    if account.has_usable_password() and account.contacts():
        return None
    return account
