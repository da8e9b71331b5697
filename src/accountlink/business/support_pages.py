"""Loop for Business's public support pages (kit.support.views): Contact support and the recovery link."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accountlink.business.accounts.lookup import find_account
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.lookups import equals_ignoring_case
from accountlink.kit.support.views import SupportPages


def find_account_for_support(identifier: str, language: str = "en") -> BusinessAccount | None:
    """By email or phone; or, for an account made with "Continue with Loop" that has neither, by the
    @username of its linked Loop account."""
    account = find_account(identifier, language)
    if account is not None:
        return account
    handle = identifier.strip().lstrip("@")
    link = (
        LoopLink.objects.select_related("account").filter(equals_ignoring_case("username", handle)).first()
        if handle
        else None
    )
    return link.account if link is not None else None


support_pages = SupportPages(
    base_template="business/auth_base.html",
    code_template="business/code.html",
    identifier_label=gettext_lazy(
        "The account's email or phone number, or the @username of its linked %(brand)s account"
    ),
    find_account=find_account_for_support,
    proof_url_name="business:support_prove_with_loop",
)
