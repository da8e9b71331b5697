"""Linking a business account to a Loop account (STYLE rule 1: the only code that changes links)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.accounts.actions import notify_all_contacts
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.codes.actions import redeem_code
from accountlink.kit.codes.models import VerificationCode
from accountlink.kit.contacts import Contact
from accountlink.kit.crypto import seal
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.sendcode import send_code
from accountlink.kit.support.actions import check_reason, do_record_loop_proof
from accountlink.kit.support.models import SupportCase

from . import provider, revocations
from .models import HeldCode, LoopLink
from .provider import LoopIdentity, TokenSet
from .revocations import KIND as REVOCATION
from .revocations import queue_revocation

log = logging.getLogger(__name__)


def check_can_start_link(account: BusinessAccount) -> None:
    if LoopLink.objects.filter(account=account).exists():
        raise CodedError(ErrorCode.LINK_BUSINESS_HAS_LINK)


def do_hold_code(code: str, verifier: str) -> HeldCode:
    """Before the code goes to Loop's token endpoint: if nothing follows, it is presented again later,
    which makes Loop revoke whatever it issued for it."""
    return revocations.hold_code(code, verifier)


def do_hold_tokens(tokens: TokenSet, code: HeldCode | None = None) -> None:
    """Right after Loop issued ``tokens`` (for the held ``code``): they are revoked unless a later
    action keeps them."""
    revocations.hold(tokens.refresh_token, open_id=tokens.open_id, code=code)


def _new_link(account: BusinessAccount, identity: LoopIdentity, tokens: TokenSet) -> LoopLink:
    revocations.release(tokens.refresh_token, open_id=tokens.open_id)
    link = LoopLink(account=account, scopes=tokens.scopes)
    _copy_identity(link, identity)
    link.open_id = tokens.open_id
    link.store_tokens(tokens.access_token, tokens.refresh_token, tokens.access_expires_at, tokens.refresh_expires_at)
    return link


def _copy_identity(link: LoopLink, identity: LoopIdentity) -> None:
    link.union_id = identity.union_id
    link.username = identity.username
    link.display_name = identity.display_name
    link.avatar_url = identity.avatar_url
    link.profile_checked_at = timezone.now()


def _discard(tokens: TokenSet) -> None:
    """Tokens we will not keep are revoked at Loop (their grant only), now."""
    revocations.release(tokens.refresh_token, open_id=tokens.open_id)
    queue_revocation(seal(tokens.refresh_token), open_id=tokens.open_id, reason="discarded")


def do_discard_tokens(tokens: TokenSet) -> None:
    """A flow failed after Loop issued tokens (user info could not be read): revoke them, keep nothing."""
    with transaction.atomic(durable=True):
        _discard(tokens)


def _refuse(tokens: TokenSet, code: ErrorCode, account: BusinessAccount | None) -> CodedError:
    with transaction.atomic():
        _discard(tokens)
        if account is not None:
            record(EventKind.LOOP_LINK_REFUSED, account=account, actor=account, code=code.value)
    return CodedError(code)


def _announce(link: LoopLink, account: BusinessAccount) -> None:
    record(EventKind.LOOP_LINKED, account=account, actor=account, username=link.username, open_id=link.open_id)
    notify_all_contacts(account, "loop_linked", handle=link.username)


def do_link_loop_account(account: BusinessAccount, identity: LoopIdentity, tokens: TokenSet) -> LoopLink:
    """Link an existing business account (DESIGN §4.3). R1 holds in the database, also under races."""
    try:
        with transaction.atomic(durable=True):
            BusinessAccount.objects.select_for_update().filter(pk=account.pk).first()
            if LoopLink.objects.filter(account=account).exists():
                raise CodedError(ErrorCode.LINK_BUSINESS_HAS_LINK)
            if LoopLink.objects.filter(open_id=tokens.open_id).exists():
                raise CodedError(ErrorCode.LINK_ALREADY_LINKED)
            link = _new_link(account, identity, tokens)
            link.save()
            _announce(link, account)
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
        revocations.release(tokens.refresh_token, open_id=tokens.open_id)
        _copy_identity(link, identity)
        link.scopes = tokens.scopes
        link.store_tokens(
            tokens.access_token, tokens.refresh_token, tokens.access_expires_at, tokens.refresh_expires_at
        )
        link.save()
        queue_revocation(old_refresh_token, open_id=link.open_id, reason="replaced")
        return link.account


def do_create_account_with_loop(identity: LoopIdentity, tokens: TokenSet, *, language: str) -> BusinessAccount:
    """Continue with Loop for a Loop account with no business account yet (DESIGN §4.4).

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


def do_store_refreshed_tokens(link_id: int, presented: str, tokens: TokenSet) -> bool:
    """Loop rotated the link's tokens (``presented`` is the sealed refresh token we gave it): keep
    the new ones. If the link ended, or got other tokens meanwhile (Continue with Loop), the new ones
    are revoked instead. True when they were kept."""
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().filter(pk=link_id).first()
        if link is None or link.sealed_refresh_token != presented:
            _discard(tokens)
            return False
        link.store_tokens(
            tokens.access_token, tokens.refresh_token, tokens.access_expires_at, tokens.refresh_expires_at
        )
        link.scopes = tokens.scopes or link.scopes
        link.save()
        return True


def do_store_profile(link_id: int, identity: LoopIdentity) -> None:
    """What Loop's user info says now: the handle, name and avatar shown with the link."""
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().filter(pk=link_id, open_id=identity.open_id).first()
        if link is not None:
            _copy_identity(link, identity)
            link.save(update_fields=["union_id", "username", "display_name", "avatar_url", "profile_checked_at"])


# Unlinking (DESIGN §4.1, R3)

UNLINK_PURPOSE = "unlink_loop"


def check_can_unlink(account: BusinessAccount) -> LoopLink:
    """R3: the holder may unlink only a self-managed account that keeps a way to log in and get back in."""
    link = LoopLink.objects.filter(account=account).first()
    if link is None:
        raise CodedError(ErrorCode.UNLINK_NOT_LINKED)
    manager = account.account_manager
    if manager is not None:
        raise CodedError(ErrorCode.UNLINK_MANAGED_ACCOUNT, manager_name=manager.name, manager_email=manager.email or "")
    if not account.contacts():
        raise CodedError(ErrorCode.UNLINK_NO_CONTACT)
    if not account.has_usable_password():
        raise CodedError(ErrorCode.UNLINK_LAST_LOGIN_METHOD)
    return link


def _check_contact(account: BusinessAccount, contact: Contact) -> None:
    if contact not in account.contacts():
        raise CodedError(ErrorCode.UNLINK_UNKNOWN_CONTACT)


def do_send_unlink_code(account: BusinessAccount, contact: Contact) -> None:
    """**Send code** in the Unlink dialog: a code to one of the account's own addresses."""
    check_can_unlink(account)
    _check_contact(account, contact)
    with transaction.atomic(durable=True):
        send_code(account, purpose=UNLINK_PURPOSE, contact=contact, language=account.language)


def do_unlink_loop_account(account: BusinessAccount, contact: Contact, code: str) -> LoopLink:
    """**Confirm** in the Unlink dialog: with the right code the link ends, in one transaction with the
    code's use, its audit event, both notices and the queued revocation at Loop.
    """
    check_can_unlink(account)
    _check_contact(account, contact)

    def unlink(code_row: VerificationCode) -> LoopLink:
        link = LoopLink.objects.select_for_update().filter(account=account).first()
        if link is None:
            raise CodedError(ErrorCode.UNLINK_NOT_LINKED)
        if code_row.created_at < link.linked_at:
            # A code asked for before this link existed (an earlier link, since ended) cannot end it.
            raise CodedError(ErrorCode.CODE_INVALID)
        _end_link(
            link,
            reason="unlinked_by_holder",
            actor=account,
            revoke=True,
            channel=str(contact.channel),
            to=contact.masked,
        )
        return link

    return redeem_code(account, purpose=UNLINK_PURPOSE, destination=contact.value, code=code, then=unlink)


def _end_link(link: LoopLink, *, reason: str, actor: BusinessAccount | None, revoke: bool, **data: str) -> None:
    """Delete the link, queue its revocation at Loop (unless Loop ended it), audit, notify (R7, R8)."""
    account = link.account
    link.delete()
    if revoke:
        queue_revocation(link.sealed_refresh_token, open_id=link.open_id, reason=reason)
    record(
        EventKind.LOOP_UNLINKED,
        account=account,
        actor=actor,
        reason=reason,
        username=link.username,
        open_id=link.open_id,
        **data,
    )
    notify_all_contacts(account, "loop_unlinked", handle=link.username, reason=reason)


def do_end_link_by_staff(account: BusinessAccount, *, actor: BusinessAccount, reason: str) -> LoopLink:
    """An account manager or support agent unlinks an account (managed accounts, DESIGN §4.6).
    Like every staff action it needs a reason, which the audit event keeps."""
    reason = check_reason(reason)
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().select_related("account").filter(account=account).first()
        if link is None:
            raise CodedError(ErrorCode.UNLINK_NOT_LINKED)
        _end_link(link, reason="unlinked_by_staff", actor=actor, revoke=True, note=reason)
        return link


# Loop ended the grant: webhooks in and reconciliation

# ``content.reason`` of ``authorization.removed`` (DESIGN §7).
LOOP_REASONS = {
    0: "unknown",
    1: "removed_on_loop",
    2: "loop_account_deleted",
    3: "loop_age_changed",
    4: "loop_account_suspended",
    5: "revoked_by_client",
}


@dataclass(frozen=True)
class RemovalOutcome:
    ended: bool
    why: str  # "ended", "not_linked" or "stale"


def do_end_link_removed_on_loop(open_id: str, *, reason: int, event_time: int) -> RemovalOutcome:
    """Loop says the holder's authorization is gone (webhook ``authorization.removed``).

    A removal from before the current link was made (a delayed or replayed notice about an earlier
    link of the same Loop account) is ignored, and so is one for an open_id that is not linked.
    """
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().select_related("account").filter(open_id=open_id).first()
        if link is None:
            return RemovalOutcome(False, "not_linked")
        linked_second = int(link.linked_at.timestamp())
        if event_time < linked_second:
            record(
                EventKind.WEBHOOK_IGNORED,
                account=link.account,
                event="authorization.removed",
                reason=LOOP_REASONS.get(reason, "unknown"),
                event_time=datetime.fromtimestamp(event_time, UTC).isoformat(),
            )
            return RemovalOutcome(False, "stale")
        _end_link(link, reason=LOOP_REASONS.get(reason, "unknown"), actor=None, revoke=False, via="webhook")
        return RemovalOutcome(True, "ended")


@dataclass(frozen=True)
class ReconcileResult:
    checked: int
    ended: list[tuple[int, str]]  # (business account id, Loop username) of each link ended
    unreachable: bool


def do_reconcile_links() -> ReconcileResult:
    """Ask Loop about the grant behind every link (introspection of its refresh token) and end the
    links whose grant is gone, with reason "reconciled". Stops, changing nothing more, if Loop
    cannot be reached: an unreachable Loop is no evidence that a grant is gone.
    """
    # Revocations given up after 72 hours get one more attempt each pass: Loop must learn of every unlink.
    outbound.do_retry_given_up_calls(REVOCATION)
    checked = 0
    ended: list[tuple[int, str]] = []
    for link_id in LoopLink.objects.order_by("pk").values_list("pk", flat=True):
        link = LoopLink.objects.filter(pk=link_id).first()
        if link is None:
            continue
        checked += 1
        try:
            active = provider.introspect(link.refresh_token)
        except provider.ProviderUnavailable:
            return ReconcileResult(checked, ended, unreachable=True)
        except provider.ProviderRefused as error:
            log.warning("Loop refused to introspect link %s: %s", link_id, error)
            return ReconcileResult(checked, ended, unreachable=True)
        if active:
            continue
        with transaction.atomic(durable=True):
            current = LoopLink.objects.select_for_update().select_related("account").filter(pk=link_id).first()
            # A refresh in between rotated the token we asked about: the link is alive, leave it.
            if current is None or current.sealed_refresh_token != link.sealed_refresh_token:
                continue
            _end_link(current, reason="reconciled", actor=None, revoke=False)
            ended.append((current.account_id, current.username))
    return ReconcileResult(checked, ended, unreachable=False)


# Proof of ownership for a support case (DESIGN §4.6)


def do_prove_case_with_loop(case: SupportCase, identity: LoopIdentity, tokens: TokenSet) -> BusinessAccount:
    """The requester of a recovery case signed in with a Loop account. If that Loop account is the one
    linked to the business account of the case (or, when the case names none, to any business
    account), the case records it as proof. The tokens of this sign-in are never kept."""
    do_discard_tokens(tokens)
    link = LoopLink.objects.select_related("account").filter(open_id=tokens.open_id).first()
    if link is None or (case.account_id is not None and case.account_id != link.account_id):
        raise CodedError(ErrorCode.SUPPORT_PROOF_NOT_LINKED)
    do_record_loop_proof(case, account=link.account, handle=identity.username)
    return link.account
