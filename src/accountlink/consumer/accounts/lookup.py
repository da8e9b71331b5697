from __future__ import annotations

from django.core.exceptions import ValidationError

from accountlink.kit.contacts import normalise_phone
from accountlink.kit.lookups import equals_ignoring_case

from .models import LoopAccount


def find_account(identifier: str, language: str = "en") -> LoopAccount | None:
    """The account with this handle (with or without @), email or phone number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier[1:]:
        return LoopAccount.objects.filter(equals_ignoring_case("email", identifier)).first()
    handle = identifier.lstrip("@").lower()
    account = LoopAccount.objects.filter(handle=handle).first()
    if account is not None:
        return account
    try:
        phone = normalise_phone(identifier, language)
    except ValidationError:
        return None
    return LoopAccount.objects.filter(phone=phone).first()
