"""What Loop for Business's support changes (STYLE rule 1) beyond ``kit.support.actions``: the account
manager's unlink, and the proof a requester gives by signing in with the linked Loop account.

Support cases are decided with ``kit.support.actions``; this module adds the actions that are the
business platform's own, and the checks that guard them.
"""

from __future__ import annotations

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.revocation import do_discard_tokens
from accountlink.business.linking.actions.unlink import do_end_link_by_staff
from accountlink.business.linking.models import LoopLink
from accountlink.business.linking.provider import LoopIdentity, TokenSet
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.support.actions import do_record_loop_proof
from accountlink.kit.support.models import SupportCase


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


def do_prove_case_with_loop(case: SupportCase, identity: LoopIdentity, tokens: TokenSet) -> BusinessAccount:
    """**Verify with Loop** (DESIGN §4.6): the requester of a recovery case signed in with a Loop
    account. If that Loop account is the one linked to the business account of the case (or, when the
    case names none, to any business account), the case records it as proof. The tokens of this
    sign-in are never kept."""
    do_discard_tokens(tokens)
    link = LoopLink.objects.select_related("account").filter(open_id=tokens.open_id).first()
    if link is None or (case.account_id is not None and case.account_id != link.account_id):
        raise CodedError(ErrorCode.SUPPORT_PROOF_NOT_LINKED)
    do_record_loop_proof(case, account=link.account, handle=identity.username)
    return link.account
