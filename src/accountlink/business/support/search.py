"""Finding business accounts for support staff: by email, phone, account ID or linked Loop @username."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import parse_contact

# Longer digit strings are phone numbers, never IDs (and would overflow the database's integers).
_ACCOUNT_ID = re.compile(r"#?(\d{1,15})")
_HANDLE = re.compile(r"@?([\w.]{1,64})")

RESULTS_LIMIT = 50


def find_accounts(query: str, language: str = "en") -> QuerySet[BusinessAccount]:
    """Every account the query could name. A query may mean several things ("12" an ID, a number
    with a country code a phone), so all readings are tried and the matches put together."""
    query = query.strip()
    if not query:
        return BusinessAccount.objects.none()
    matches = Q(pk__in=[])
    if found := _ACCOUNT_ID.fullmatch(query):
        matches |= Q(pk=int(found.group(1)))
    if not query.startswith("@"):
        try:
            contact = parse_contact(query, language)
        except ValidationError:
            pass
        else:
            matches |= Q(email__iexact=contact.value) if contact.channel == Channel.EMAIL else Q(phone=contact.value)
    if found := _HANDLE.fullmatch(query):
        matches |= Q(loop_link__username__iexact=found.group(1))
    return (
        BusinessAccount.objects.filter(matches)
        .select_related("loop_link", "account_manager")
        .order_by("pk")
        .distinct()[:RESULTS_LIMIT]
    )


def resolve_account(query: str, language: str = "en") -> BusinessAccount | None:
    """The one account the query names, or None when it names none or several."""
    found = list(find_accounts(query, language)[:2])
    return found[0] if len(found) == 1 else None
