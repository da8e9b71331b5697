"""Making a link: **Link Loop account** (DESIGN §4.3) and **Continue with Loop** (DESIGN §4.4).

Each action gets the tokens and the Loop identity that the callback traded the code for. It keeps
them in a new (or renewed) link, in one transaction with the audit event and the notices; or it
refuses, and the tokens are revoked at Loop in the same transaction.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.accounts.actions import notify_all_contacts
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.errors import CodedError, ErrorCode

from ..models import LoopLink
from ..provider import LoopIdentity, TokenSet
from .revocation import do_queue_revocation, do_release_tokens, do_revoke_tokens


def check_can_start_link(account: BusinessAccount) -> None:
    if LoopLink.objects.filter(account=account).exists():
        raise CodedError(ErrorCode.LINK_BUSINESS_HAS_LINK)


def copy_identity(link: LoopLink, identity: LoopIdentity) -> None:
    """What Loop's user info says, shown with the link (the caller saves it)."""
    link.union_id = identity.union_id
    link.username = identity.username
    link.display_name = identity.display_name
    link.avatar_url = identity.avatar_url
    link.profile_checked_at = timezone.now()


def _new_link(account: BusinessAccount, identity: LoopIdentity, tokens: TokenSet) -> LoopLink:
    do_release_tokens(tokens)
    link = LoopLink(account=account, scopes=tokens.scopes)
    copy_identity(link, identity)
    link.open_id = tokens.open_id
    link.store_tokens(tokens.access_token, tokens.refresh_token, tokens.access_expires_at, tokens.refresh_expires_at)
    return link


def _refuse(tokens: TokenSet, code: ErrorCode, account: BusinessAccount | None) -> CodedError:
    with transaction.atomic():
        do_revoke_tokens(tokens)
        if account is not None:
            record(EventKind.LOOP_LINK_REFUSED, account=account, actor=account, code=code.value)
    return CodedError(code)


def _announce(link: LoopLink, account: BusinessAccount, **data: str) -> None:
    record(EventKind.LOOP_LINKED, account=account, actor=account, username=link.username, open_id=link.open_id, **data)
    notify_all_contacts(account, "loop_linked", handle=link.username)


def do_link_loop_account(
    account: BusinessAccount, identity: LoopIdentity, tokens: TokenSet, *, via: str = ""
) -> LoopLink:
    """Link an existing business account (DESIGN §4.3; or from Continue with Loop's choice, ``via``
    "choice" or "link_again", which the audit event keeps). R1 holds in the database, also under races."""
    try:
        with transaction.atomic(durable=True):
            BusinessAccount.objects.select_for_update().filter(pk=account.pk).first()
            if LoopLink.objects.filter(account=account).exists():
                raise CodedError(ErrorCode.LINK_BUSINESS_HAS_LINK)
            if LoopLink.objects.filter(open_id=tokens.open_id).exists():
                raise CodedError(ErrorCode.LINK_ALREADY_LINKED)
            link = _new_link(account, identity, tokens)
            link.save()
            _announce(link, account, **({"via": via} if via else {}))
            return link
    except CodedError as refusal:
        raise _refuse(tokens, refusal.code, account) from None
    except IntegrityError:
        # Another request linked one of the two accounts between our check and our insert.
        code = (
            ErrorCode.LINK_BUSINESS_HAS_LINK
            if LoopLink.objects.filter(account=account).exists()
            else ErrorCode.LINK_ALREADY_LINKED
        )
        raise _refuse(tokens, code, account) from None


def do_log_in_with_loop(identity: LoopIdentity, tokens: TokenSet) -> BusinessAccount | None:
    """Continue with Loop for a linked Loop account: keep the fresh tokens and profile, revoke the old grant.

    Returns the linked business account, or None when this Loop account is not linked (any more).
    """
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().select_related("account").filter(open_id=tokens.open_id).first()
        if link is None:
            return None
        old_refresh_token = link.sealed_refresh_token
        do_release_tokens(tokens)
        copy_identity(link, identity)
        link.scopes = tokens.scopes
        link.store_tokens(
            tokens.access_token, tokens.refresh_token, tokens.access_expires_at, tokens.refresh_expires_at
        )
        link.save()
        do_queue_revocation(old_refresh_token, open_id=link.open_id, reason="replaced")
        return link.account


def do_create_account_with_loop(identity: LoopIdentity, tokens: TokenSet, *, language: str) -> BusinessAccount:
    """Continue with Loop for a Loop account with no business account yet, after the person chose
    **Create a new business account** (DESIGN §4.4, ``choice``).

    The new account has no email, phone or password: Loop is its way in until the holder adds one.
    """
    try:
        with transaction.atomic(durable=True):
            account = BusinessAccount(
                display_name=identity.display_name[:60],
                language=language,
                password=make_password(None),
                verified_at=timezone.now(),
            )
            account.save()
            record(EventKind.ACCOUNT_CREATED, account=account, actor=account, via="loop")
            link = _new_link(account, identity, tokens)
            link.save()
            _announce(link, account)
            return account
    except IntegrityError:
        raise _refuse(tokens, ErrorCode.LINK_ALREADY_LINKED, None) from None
