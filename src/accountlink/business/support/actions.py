"""What the Loop for Business staff consoles change (STYLE rule 1): the account manager's unlink.

Support cases are decided with ``kit.support.actions``; this module adds the one staff action that is
the business platform's own, and the checks that guard it.
"""

from __future__ import annotations

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions import do_end_link_by_staff
from accountlink.business.linking.models import LoopLink
from accountlink.kit.errors import CodedError, ErrorCode


def check_manages(manager: BusinessAccount, account: BusinessAccount) -> None:
    """Object-level authorization (DESIGN §8): a manager acts only on the accounts they manage."""
    if not manager.is_account_manager or account.account_manager_id != manager.pk:
        raise CodedError(ErrorCode.NOT_FOUND)


def do_unlink_managed_account(account: BusinessAccount, *, manager: BusinessAccount, reason: str) -> LoopLink:
    """The account manager's **Unlink Loop account** (DESIGN §4.6): the link ends exactly as when its
    holder unlinks it (revocation at Loop, notices to the holder), audited with the manager and the reason.
    """
    check_manages(manager, account)
    return do_end_link_by_staff(account, actor=manager, reason=reason)
