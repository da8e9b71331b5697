"""Forms of the Loop for Business support console: how its accounts are searched for and named.
The other forms are ``kit.support.console_forms``'s."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.conf import platform_settings
from accountlink.kit.support import console_forms as kit_forms

from .search import resolve_account


class SearchForm(kit_forms.SearchForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = gettext(
            "Email address, phone number, account ID, or the @username of its linked %(brand)s account"
        ) % {"brand": platform_settings.BRAND}


class ApproveRecoveryForm(kit_forms.ApproveRecoveryForm):
    account_help = _("Email address, phone number or account ID of the account to recover")

    def identify(self, account: BusinessAccount | None) -> str:
        """An address if it has one, else its ID."""
        if account is None:
            return ""
        return account.email or account.phone or str(account.pk)

    def resolve(self, text: str) -> BusinessAccount | None:
        return resolve_account(text, self.language)
