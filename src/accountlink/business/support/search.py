"""Finding business accounts for support staff: by email, phone, account ID or linked Loop @username."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import parse_contact
from accountlink.kit.lookups import equals_ignoring_case

# Longer digit strings are phone numbers, never IDs (and would overflow the database's integers).
_ACCOUNT_ID = re.compile(r"#?(\d{1,15})")
_HANDLE = re.compile(r"@?([\w.]{1,64})")

RESULTS_LIMIT = 50


def find_accounts(query: str, language: str = "en") -> QuerySet[BusinessAccount]:
    """Every account the query could name. A query may mean several things ("12" an ID, a number
    with a country code a phone), so all readings are tried and the matches put together.

    Each reading is its own indexed lookup (the ID, ``Lower(email)``, the phone, the linked Loop
    account's ``Lower(username)``), so a search costs the same at a thousand accounts or a million;
    one query OR-ing them across the link's join would read every account (issue 18)."""
    query = query.strip()
    if not query:
        return BusinessAccount.objects.none()
    ids: set[int] = set()
    if found := _ACCOUNT_ID.fullmatch(query):
        ids.add(int(found.group(1)))
    if not query.startswith("@"):
        try:
            contact = parse_contact(query, language)
        except ValidationError:
            pass
        else:
            same = (
                equals_ignoring_case("email", contact.value)
                if contact.channel == Channel.EMAIL
                else Q(phone=contact.value)
            )
            ids.update(BusinessAccount.objects.filter(same).values_list("pk", flat=True)[:RESULTS_LIMIT])
    if found := _HANDLE.fullmatch(query):
        links = LoopLink.objects.filter(equals_ignoring_case("username", found.group(1)))
        ids.update(links.values_list("account_id", flat=True)[:RESULTS_LIMIT])
    return (
        BusinessAccount.objects.filter(pk__in=ids)
        .select_related("loop_link", "account_manager")
        .order_by("pk")[:RESULTS_LIMIT]
    )


def resolve_account(query: str, language: str = "en") -> BusinessAccount | None:
    """The one account the query names, or None when it names none or several."""
    found = list(find_accounts(query, language)[:2])
    return found[0] if len(found) == 1 else None
