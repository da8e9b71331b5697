"""What Loop's support console changes (STYLE rule 1). Each action takes the acting support agent
and a reason, which go into the audit event; the reason is required (``support.reason_required``).

Support cases themselves are decided with ``kit.support.actions``; this module gives them Loop's
own pieces: how an account is restored when an appeal is granted, and where a recovery link points.
"""

from __future__ import annotations

from accountlink.consumer.accounts.actions import do_lift_suspension, do_restore_account, do_suspend_account
from accountlink.consumer.accounts.models import AccountStatus, LoopAccount
from accountlink.consumer.support_pages import support_pages
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.actions import check_reason
from accountlink.kit.support.models import SupportCase


def can_suspend(account: LoopAccount) -> bool:
    return account.status == AccountStatus.ACTIVE


def can_restore(account: LoopAccount | None) -> bool:
    """Only a suspension is lifted from the console; a deleted account stays deleted."""
    return account is not None and account.status == AccountStatus.SUSPENDED


def check_can_suspend(account: LoopAccount) -> None:
    if not can_suspend(account):
        raise CodedError(ErrorCode.REQUEST_INVALID)


def check_can_restore(account: LoopAccount | None) -> None:
    if not can_restore(account):
        raise CodedError(ErrorCode.REQUEST_INVALID)


def do_suspend_from_console(account: LoopAccount, *, actor: LoopAccount, reason: str) -> None:
    """**Suspend**: the holder is logged out, every app loses access, and login shows the reason."""
    reason = check_reason(reason)
    check_can_suspend(account)
    do_suspend_account(account, reason=reason, actor=actor)


def do_restore_from_console(account: LoopAccount, *, actor: LoopAccount, reason: str) -> None:
    """**Restore**: lift a suspension; the holder is told on every contact of the account."""
    reason = check_reason(reason)
    check_can_restore(account)
    do_restore_account(account, reason=reason, actor=actor)


def do_grant_appeal(case: SupportCase, *, actor: LoopAccount, reason: str) -> SupportCase:
    """**Restore account** on an appeal: the account is restored and the case approved in one
    transaction; the requester is answered at their reply address."""

    reason = check_reason(reason)

    def restore(account: LoopAccount) -> None:
        locked = LoopAccount.objects.select_for_update().get(pk=account.pk)
        check_can_restore(locked)
        do_lift_suspension(locked, reason=reason, actor=actor, case=case.pk)

    return support_actions.do_approve_appeal(case, actor=actor, reason=reason, restore=restore)


def recovery_link_url(token: str) -> str:
    """The absolute address of a recovery link: the ``recover`` page of Loop's public support pages."""
    return support_pages.recovery_link_url(token)


def do_send_recovery_link(
    case: SupportCase, *, actor: LoopAccount, reason: str, account: LoopAccount | None
) -> SupportCase:
    """**Approve and send link**: the requester gets a single-use link to add an email or phone to ``account``."""
    return support_actions.do_approve_recovery(
        case, actor=actor, reason=reason, account=account, link_url=recovery_link_url
    )
