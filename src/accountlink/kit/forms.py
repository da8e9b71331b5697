"""Form pieces both platforms use."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accountlink.kit.contacts import Contact, parse_contact
from accountlink.kit.errors import CodedError


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self) -> str:
        # NFKC turns full-width digits (typed with a Japanese input method) into ASCII ones.
        code = "".join(unicodedata.normalize("NFKC", self.cleaned_data["code"]).split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError(_("Enter the 6-digit code."), code="format")
        return code


class NewPasswordMixin(forms.Form):
    """A new password, checked against Django's validators (translated messages)."""

    new_password = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_user: Any = None

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.password_user)
        return password


class ResetPasswordForm(CodeForm, NewPasswordMixin):
    # The page says "enter the code and choose a new password": in that order.
    field_order = ["code", "new_password"]


class ContactField(forms.CharField):
    """An email address or a phone number, returned as a :class:`Contact`."""

    def __init__(self, *, language: str = "en", **kwargs: Any) -> None:
        self.language = language
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Contact | None:
        text = super().clean(value)
        if not text:
            return None
        return parse_contact(text, self.language)


def add_coded_error(form: forms.Form, error: CodedError, field: str | None = None) -> None:
    form.add_error(field, ValidationError(error.message, code=error.code.value))
