"""Ending a link: the holder's **Unlink Loop account** (DESIGN §4.1, R3) and the staff unlink (§4.6).

The holder's unlink reads in order: :func:`check_can_unlink` (R3), :func:`do_send_unlink_code`, then
:func:`do_unlink_loop_account`, which ends the link with :func:`do_end_link` in the transaction that
uses the code. However a link ends (here, or when Loop says its grant is gone), :func:`do_end_link`
deletes it, queues the revocation at Loop when Loop does not know yet, and audits and notifies (R7, R8).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.accounts.actions import notify_all_contacts
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.codes.actions import redeem_code
from accountlink.kit.codes.models import VerificationCode
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.sendcode import send_code
from accountlink.kit.support.actions import check_reason
from accountlink.kit.transactions import in_callers_transaction

from ..models import LoopLink
from .revocation import do_queue_revocation

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


def check_contact(account: BusinessAccount, contact: Contact) -> None:
    """The code goes only to an address registered on the account."""
    if contact not in account.contacts():
        raise CodedError(ErrorCode.UNLINK_UNKNOWN_CONTACT)


def do_send_unlink_code(account: BusinessAccount, contact: Contact) -> None:
    """**Send code** in the Unlink dialog: a code to one of the account's own addresses."""
    check_can_unlink(account)
    check_contact(account, contact)
    with transaction.atomic(durable=True):
        send_code(account, purpose=UNLINK_PURPOSE, contact=contact, language=account.language)


def do_unlink_loop_account(account: BusinessAccount, contact: Contact, code: str) -> LoopLink:
    """**Confirm** in the Unlink dialog: with the right code the link ends, in one transaction with the
    code's use, its audit event, both notices and the queued revocation at Loop.

    ``redeem_code`` opens that transaction: it uses the code (or counts a wrong try, committed
    even though the unlink is refused) and then runs :func:`_end_link_with_code` inside it.
    """
    check_can_unlink(account)
    check_contact(account, contact)
    end_link = partial(_end_link_with_code, account=account, contact=contact)
    return redeem_code(account, purpose=UNLINK_PURPOSE, destination=contact.value, code=code, then=end_link)


def _end_link_with_code(code: VerificationCode, *, account: BusinessAccount, contact: Contact) -> LoopLink:
    """In the transaction that used ``code``: end the holder's link, unless it is newer than the code."""
    link = LoopLink.objects.select_for_update().filter(account=account).first()
    if link is None:
        raise CodedError(ErrorCode.UNLINK_NOT_LINKED)
    if code.created_at < link.linked_at:
        # A code asked for before this link existed (an earlier link, since ended) cannot end it.
        raise CodedError(ErrorCode.CODE_INVALID)
    do_end_link(
        link,
        reason="unlinked_by_holder",
        actor=account,
        revoke=True,
        channel=str(contact.channel),
        to=contact.masked,
    )
    return link


def do_end_link_by_staff(account: BusinessAccount, *, actor: BusinessAccount, reason: str) -> LoopLink:
    """An account manager or support agent unlinks an account (managed accounts, DESIGN §4.6).
    Like every staff action it needs a reason, which the audit event keeps."""
    reason = check_reason(reason)
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().select_related("account").filter(account=account).first()
        if link is None:
            raise CodedError(ErrorCode.UNLINK_NOT_LINKED)
        do_end_link(link, reason="unlinked_by_staff", actor=actor, revoke=True, note=reason)
        return link


@in_callers_transaction
def do_end_link(link: LoopLink, *, reason: str, actor: BusinessAccount | None, revoke: bool, **data: str) -> None:
    """Delete the link, queue its revocation at Loop (unless Loop ended it), audit, notify (R7, R8)."""
    account = link.account
    link.delete()
    if revoke:
        do_queue_revocation(link.sealed_refresh_token, open_id=link.open_id, reason=reason)
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
