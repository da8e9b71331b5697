"""Forms of the staff consoles. Reasons are not required by the forms: the actions require them and
answer with the coded error ``support.reason_required`` (DESIGN §6), shown on the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 1000


def text_field(label: Any, help_text: Any = "", rows: int = 3, max_length: int = REASON_MAX_LENGTH) -> forms.CharField:
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
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class ConsoleForm(forms.Form):
    """The form of a console button (``kit.support.console.Button``). Every one is made the same
    way: with what the page is about (``subject``: an account, a case) and the staff member's language."""

    def __init__(self, *args: Any, subject: Any = None, language: str = "en", **kwargs: Any) -> None:
        self.subject = subject
        self.language = language
        super().__init__(*args, **kwargs)


class EvidenceForm(ConsoleForm):
    evidence = text_field(
        _("Evidence"),
        _("How the requester proved they own the account, or what is still missing. It is kept in the audit log."),
        rows=4,
    )


class ReasonForm(ConsoleForm):
    reason = text_field(_("Reason"), _("Kept in the audit log."))


class ApproveRecoveryForm(ReasonForm):
    """**Approve and send link** on a case: which account the link recovers, and why. Each platform
    says how its accounts are named in the field: ``identify`` writes one, ``resolve`` finds what
    the agent typed, and ``account_help`` says what may be typed."""

    account_help: Any = ""
    account = forms.CharField(
        label=_("Account"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["account", "reason"]

    def __init__(self, *args: Any, subject: Any = None, **kwargs: Any) -> None:
        if subject is not None:  # the case: the field starts with the account it matched
            kwargs.setdefault("initial", {"account": self.identify(subject.account)})
        super().__init__(*args, subject=subject, **kwargs)
        self.fields["account"].help_text = self.account_help

    def identify(self, account: Any) -> str:
        raise NotImplementedError

    def resolve(self, text: str) -> Any:
        raise NotImplementedError

    def clean_account(self) -> Any:
        text = self.cleaned_data["account"].strip()
        if not text:
            return None  # the action answers support.no_account
        account = self.resolve(text)
        if account is None:
            raise ValidationError(_("No account matches this. Check it, or search for the account."), code="unknown")
        return account
