"""The form of the Unlink Loop account dialog (the code form is ``kit.forms.CodeForm``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact

# The page names a contact by its kind, never by its address (which the page shows only masked).
CONTACT_KEYS = {Channel.EMAIL: "email", Channel.SMS: "phone"}


class ChooseContactForm(forms.Form):
    """Where to send the verification code: one of the account's own addresses, shown masked.

    One is chosen already (``preferred``, else the email, else the only one), so **Send code** works
    as the help article says, without choosing anything first."""

    contact = forms.ChoiceField(
        label=_("Send the code to"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where to send the code."),
            "invalid_choice": _("Choose one of the email addresses or phone numbers on this account."),
        },
    )

    def __init__(self, *args: Any, contacts: list[Contact], preferred: Channel | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = {CONTACT_KEYS[contact.channel]: contact for contact in contacts}
        field = self.fields["contact"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, contact.masked) for key, contact in self.contacts.items()]
        keys = [CONTACT_KEYS[channel] for channel in (preferred, Channel.EMAIL) if channel is not None]
        field.initial = next((key for key in keys if key in self.contacts), next(iter(self.contacts), None))

    def clean_contact(self) -> Contact:
        return self.contacts[self.cleaned_data["contact"]]
