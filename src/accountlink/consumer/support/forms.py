"""Forms of Loop's support console. Reasons are not required here: the actions require them and answer
with the coded error ``support.reason_required`` (DESIGN §6), which the page shows on the field."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.support import console_forms as kit_forms
from accountlink.kit.support.console_forms import ConsoleForm, text_field

from .search import resolve_account

# An account's suspension reason is stored with it and shown to the holder at login.
STATUS_REASON_MAX_LENGTH = 200


class SearchForm(kit_forms.SearchForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = _(
            "Username (with or without @), email address, phone number, account ID or part of a name"
        )


class SuspendForm(ConsoleForm):
    reason = text_field(
        _("Reason"),
        _("Shown to the holder when they try to log in, and kept in the audit log."),
        max_length=STATUS_REASON_MAX_LENGTH,
    )


class ApproveRecoveryForm(kit_forms.ApproveRecoveryForm):
    account_help = _("Username, email address, phone number or account ID of the account to recover")

    def identify(self, account: LoopAccount | None) -> str:
        return f"@{account.handle}" if account is not None else ""

    def resolve(self, text: str) -> LoopAccount | None:
        return resolve_account(text, self.language)
