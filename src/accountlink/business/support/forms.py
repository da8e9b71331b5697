"""Forms of the staff consoles. Reasons are not required here: the actions require them and answer
with the coded error ``support.reason_required`` (DESIGN §6), which the page shows on the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountlink.business.accounts.models import BusinessAccount

from .search import resolve_account

REASON_MAX_LENGTH = 1000


def _text(label: Any, help_text: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find an account"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = gettext(
            "Email address, phone number, account ID, or the @username of its linked %(brand)s account"
        ) % {"brand": settings.ACCOUNTLINK_BRAND}


class EvidenceForm(forms.Form):
    evidence = _text(
        _("Evidence"),
        _("How the requester proved they own the account, or what is still missing. It is kept in the audit log."),
        rows=4,
    )


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), _("Kept in the audit log."))


class ApproveRecoveryForm(ReasonForm):
    account = forms.CharField(
        label=_("Account"),
        help_text=_("Email address, phone number or account ID of the account to recover"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["account", "reason"]

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        self.language = language
        super().__init__(*args, **kwargs)

    def clean_account(self) -> BusinessAccount | None:
        text = self.cleaned_data["account"].strip()
        if not text:
            return None  # the action answers support.no_account
        account = resolve_account(text, self.language)
        if account is None:
            raise ValidationError(_("No account matches this. Check it, or search for the account."), code="unknown")
        return account


def account_identifier(account: BusinessAccount | None) -> str:
    """What the approve form shows for ``account``: an address if it has one, else its ID."""
    if account is None:
        return ""
    return account.email or account.phone or str(account.pk)
