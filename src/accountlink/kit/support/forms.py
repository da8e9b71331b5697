from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accountlink.kit.conf import platform_settings
from accountlink.kit.contacts import Contact, parse_contact

from .models import CaseKind


class ContactSupportForm(forms.Form):
    kind = forms.ChoiceField(choices=CaseKind.choices, widget=forms.HiddenInput)
    requester_name = forms.CharField(label=_("Your name"), max_length=100)
    identifier = forms.CharField(max_length=254)
    reply_to = forms.CharField(
        label=_("Where can we reach you?"),
        max_length=254,
        help_text=_("An email address or phone number you can use now. We'll answer you there."),
    )
    message = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Tell us what you can about the account: when you created it, what it's used for, anything that shows it's yours."
        ),
    )

    def __init__(self, *args: Any, identifier_label: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The label may name the brand (``%(brand)s``), which is a setting, never written into the text.
        self.fields["identifier"].label = str(identifier_label) % {"brand": platform_settings.BRAND}
        self.language = language

    def clean_reply_to(self) -> Contact:
        return parse_contact(self.cleaned_data["reply_to"], self.language)


class RecoveryContactForm(forms.Form):
    value = forms.CharField(
        label=_("Email or phone number"),
        max_length=254,
        help_text=_("We'll send a code to it, to check that it's yours."),
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language

    def clean_value(self) -> Contact:
        return parse_contact(self.cleaned_data["value"], self.language)
