"""Forms of the staff consoles. Reasons are not required here: the actions require them and answer
with the coded error ``support.reason_required`` (DESIGN §6), which the page shows on the field."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.support import console_forms as kit_forms
from accountlink.kit.support.console_forms import EvidenceForm, ReasonForm

from .search import resolve_account

__all__ = ["ApproveRecoveryForm", "EvidenceForm", "ReasonForm", "SearchForm", "account_identifier"]


class SearchForm(kit_forms.SearchForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = gettext(
            "Email address, phone number, account ID, or the @username of its linked %(brand)s account"
        ) % {"brand": settings.ACCOUNTLINK_BRAND}


class ApproveRecoveryForm(kit_forms.ApproveRecoveryForm):
    account_help = _("Email address, phone number or account ID of the account to recover")

    def resolve(self, text: str) -> BusinessAccount | None:
        return resolve_account(text, self.language)


def account_identifier(account: BusinessAccount | None) -> str:
    """What the approve form shows for ``account``: an address if it has one, else its ID."""
    if account is None:
        return ""
    return account.email or account.phone or str(account.pk)
