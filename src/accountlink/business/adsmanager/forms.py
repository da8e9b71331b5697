from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import CURRENCIES, TIME_ZONES


class AdAccountForm(forms.Form):
    name = forms.CharField(label=_("Ad account name"), max_length=100)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(zone, zone) for zone in TIME_ZONES])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Enter a name for the ad account."), code="required")
        return name
