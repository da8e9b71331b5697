from __future__ import annotations

from django.core.exceptions import ValidationError

from accountlink.kit.contacts import normalise_phone
from accountlink.kit.lookups import equals_ignoring_case

from .models import BusinessAccount


def find_account(identifier: str, language: str = "en") -> BusinessAccount | None:
    """The account with this email address or phone number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        return BusinessAccount.objects.filter(equals_ignoring_case("email", identifier)).first()
    try:
        phone = normalise_phone(identifier, language)
    except ValidationError:
        return None
    return BusinessAccount.objects.filter(phone=phone).first()
