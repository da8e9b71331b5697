from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact, normalise_email, normalise_phone
from accountlink.kit.forms import ContactField


class SignupForm(forms.Form):
    contact = ContactField(label=_("Email or phone number"), help_text=_("We'll send a code to confirm it."))
    display_name = forms.CharField(label=_("Your name"), max_length=60, required=False)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, ContactField)
        field.language = language

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password"):
            try:
                password_validation.validate_password(data["password"])
            except ValidationError as error:
                self.add_error("password", error)
        return data


class DisplayNameForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Enter a display name."), code="required")
        return name


class ChangeContactForm(forms.Form):
    """A new email (or phone) and, when the account has a password, the current password."""

    value = forms.CharField(max_length=254)
    current_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, channel: Channel, user: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.language = language
        field = self.fields["value"]
        if channel == Channel.EMAIL:
            field.label = _("New email address")
            field.widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
        else:
            field.label = _("New phone number")
            field.help_text = _("Include the country code, for example +81 90 1234 5678.")
            field.widget = forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True})
        if not user.has_usable_password():
            del self.fields["current_password"]

    def clean_value(self) -> Contact:
        value = self.cleaned_data["value"]
        if self.channel == Channel.EMAIL:
            return Contact(Channel.EMAIL, normalise_email(value))
        return Contact(Channel.SMS, normalise_phone(value, self.language))
