"""Forms of Loop's support console. Reasons are not required here: the actions require them and answer
with the coded error ``support.reason_required`` (DESIGN §6), which the page shows on the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accountlink.consumer.accounts.models import LoopAccount

from .search import resolve_account

REASON_MAX_LENGTH = 1000
# An account's suspension reason is stored with it and shown to the holder at login.
STATUS_REASON_MAX_LENGTH = 200


def _text(label: Any, help_text: Any = "", rows: int = 3, max_length: int = REASON_MAX_LENGTH) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "required": True}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find an account"),
        help_text=_("Username (with or without @), email address, phone number or account ID"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class EvidenceForm(forms.Form):
    evidence = _text(
        _("Evidence"),
        _("How the requester proved they own the account, or what is still missing. It is kept in the audit log."),
        rows=4,
    )


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), _("Kept in the audit log."))


class SuspendForm(forms.Form):
    reason = _text(
        _("Reason"),
        _("Shown to the holder when they try to log in, and kept in the audit log."),
        max_length=STATUS_REASON_MAX_LENGTH,
    )


class ApproveRecoveryForm(ReasonForm):
    account = forms.CharField(
        label=_("Account"),
        help_text=_("Username, email address, phone number or account ID of the account to recover"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["account", "reason"]

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        self.language = language
        super().__init__(*args, **kwargs)

    def clean_account(self) -> LoopAccount | None:
        text = self.cleaned_data["account"].strip()
        if not text:
            return None  # the action answers support.no_account
        account = resolve_account(text, self.language)
        if account is None:
            raise ValidationError(_("No account matches this. Check it, or search for the account."), code="unknown")
        return account


def account_identifier(account: LoopAccount | None) -> str:
    """What the approve form shows for ``account``."""
    return f"@{account.handle}" if account is not None else ""
