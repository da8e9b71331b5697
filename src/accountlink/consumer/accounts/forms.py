from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountlink.kit.forms import ContactField

from .models import AccountType

HANDLE_PATTERN = re.compile(r"^[a-z0-9._]{2,24}$")


def check_real_birthday(born: date) -> date:
    today = timezone.localdate()
    if born > today or born.year < today.year - 120:
        raise ValidationError(_("Enter your real birthday."), code="birth_date")
    return born


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    handle = forms.CharField(
        label=_("Username"),
        max_length=25,
        help_text=_("2 to 24 characters: letters, numbers, dots and underscores."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    contact = ContactField(label=_("Email or phone number"), help_text=_("We'll send a code to confirm it."))
    birth_date = forms.DateField(label=_("Birthday"), widget=forms.DateInput(attrs={"type": "date"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, ContactField)
        field.language = language

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lstrip("@").lower()
        if not HANDLE_PATTERN.match(handle):
            raise ValidationError(_("Use 2 to 24 characters: letters, numbers, dots and underscores."), code="handle")
        return handle

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    def clean_birth_date(self) -> date:
        return check_real_birthday(self.cleaned_data["birth_date"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class AccountTypeForm(forms.Form):
    account_type = forms.ChoiceField(label=_("Account type"), choices=AccountType.choices, widget=forms.RadioSelect)


class BirthDateForm(forms.Form):
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_birth_date(self) -> date:
        return check_real_birthday(self.cleaned_data["birth_date"])


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
