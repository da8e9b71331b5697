"""Email addresses and phone numbers as contacts: parsing, normalising and masking."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accountlink.kit.codes.models import Channel

# The region assumed for a phone number typed without "+country code", by interface language.
DEFAULT_REGIONS = {"ja": "JP", "es": "ES", "en": "US"}


@dataclass(frozen=True)
class Contact:
    channel: Channel
    value: str  # lower-cased email, or E.164 phone number

    @property
    def masked(self) -> str:
        return mask(self.channel, self.value)

    @property
    def is_email(self) -> bool:
        return self.channel == Channel.EMAIL


def normalise_email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid email address."), code="invalid_email") from error
    return value.lower()


def normalise_phone(value: str, language: str = "en") -> str:
    try:
        number = phonenumbers.parse(value.strip(), DEFAULT_REGIONS.get(language[:2], "US"))
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter a valid phone number, with its country code, for example +81 90 1234 5678."), code="invalid_phone"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, with its country code, for example +81 90 1234 5678."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_contact(value: str, language: str = "en") -> Contact:
    """An email address if it has an @, a phone number otherwise."""
    value = value.strip()
    if not value:
        raise ValidationError(_("Enter an email address or a phone number."), code="required")
    if "@" in value:
        return Contact(Channel.EMAIL, normalise_email(value))
    return Contact(Channel.SMS, normalise_phone(value, language))


def mask(channel: Channel | str, value: str) -> str:
    """``s****a@example.com`` or ``+81 ******5678``: enough to recognise, not enough to learn."""
    if channel == Channel.EMAIL:
        local, _at, domain = value.partition("@")
        if len(local) <= 2:
            hidden = local[:1] + "*" * max(1, len(local) - 1)
        else:
            hidden = local[0] + "*" * (len(local) - 2) + local[-1]
        return f"{hidden}@{domain}"
    try:
        number = phonenumbers.parse(value)
        country = f"+{number.country_code}"
        national = str(number.national_number)
    except phonenumbers.NumberParseException:
        country, national = "", value
    return f"{country} {'*' * max(0, len(national) - 4)}{national[-4:]}".strip()


class HasContacts:
    """For account models with ``email`` and ``phone`` fields: the verified addresses, email first."""

    email: str | None
    phone: str | None

    def contacts(self) -> list[Contact]:
        found = []
        if self.email:
            found.append(Contact(Channel.EMAIL, self.email))
        if self.phone:
            found.append(Contact(Channel.SMS, self.phone))
        return found

    def contact_for(self, channel: Channel | str) -> str | None:
        return self.email if channel == Channel.EMAIL else self.phone
