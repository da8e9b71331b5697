"""Finding Loop accounts from what a support agent types: a handle, an email, a phone number or an ID."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.contacts import DEFAULT_REGIONS, parse_contact
from accountlink.kit.lookups import equals_ignoring_case

SEARCH_LIMIT = 50
# Three letters or digits in a row: the least a trigram index can look up "contains" with.
THREE_LETTERS = re.compile(r"[^\W_]{3}")


def _contact_values(text: str, language: str) -> tuple[list[str], list[str]]:
    """The emails and E.164 phone numbers ``text`` can be. A number without a country code is read
    in the agent's region first, then in the other regions the product serves."""
    emails: list[str] = []
    phones: list[str] = []
    for region_language in dict.fromkeys([language[:2], *DEFAULT_REGIONS]):
        try:
            contact = parse_contact(text, region_language)
        except ValidationError:
            continue
        target = emails if contact.is_email else phones
        if contact.value not in target:
            target.append(contact.value)
    return emails, phones


def exact_matches(text: str, language: str = "en") -> list[LoopAccount]:
    """Accounts ``text`` names exactly: by ID, email, phone number (any format) or handle (with or
    without @), in that order."""
    text = text.strip()
    if not text:
        return []
    emails, phones = _contact_values(text, language)
    handle = text.lstrip("@").lower()
    found: dict[int, LoopAccount] = {}
    # isdecimal, not isdigit: "²" is a digit that int() can't read; full-width digits it can.
    if text.isdecimal() and len(text) <= 18:
        for account in LoopAccount.objects.filter(pk=int(text)):
            found[account.pk] = account
    lookups = [equals_ignoring_case("email", email) for email in emails] + [Q(phone=phone) for phone in phones]
    if handle:
        lookups.append(Q(handle=handle))
    for lookup in lookups:
        for account in LoopAccount.objects.filter(lookup):
            found.setdefault(account.pk, account)
    return list(found.values())


def search_accounts(text: str, language: str = "en") -> list[LoopAccount]:
    """The console's search: exact matches first, then handles that start with the text and names
    that match it (``_names_matching``), by handle.

    The two partial readings are two queries, each served by its own index on PostgreSQL (the
    handle's pattern index; a trigram index on the name). One query OR-ing them and ordered by handle
    let the planner walk the whole handle index looking for names (issue 18). When more than
    ``SEARCH_LIMIT`` handles or names match, which of them are shown is not by handle."""
    text = text.strip()
    exact = exact_matches(text, language)
    if not text:
        return exact
    seen = {account.pk for account in exact}
    room = max(0, SEARCH_LIMIT - len(exact))
    handle = text.lstrip("@").lower()
    # Not ordered by handle: PostgreSQL's pattern index reads the handles that start with the text but
    # not in the column's order, so for "ni" it walked the unique index from "a" instead (1.3 s at a
    # million). The page sorts what it found.
    by_handle = LoopAccount.objects.filter(handle__startswith=handle) if handle else None
    names = _names_matching(text)
    by_name = None if names is None else LoopAccount.objects.filter(names)
    found: dict[int, LoopAccount] = {}
    for partial in (by_handle, by_name):
        if partial is None:
            continue
        for account in partial.exclude(pk__in=seen)[:room]:
            found.setdefault(account.pk, account)
    more = sorted(found.values(), key=lambda account: account.handle)
    return [*exact, *more[:room]]


def _names_matching(text: str) -> Q | None:
    """How the console looks for ``text`` in names, so that an index serves it on PostgreSQL and the
    search stops at its limit: names that contain the text when it has three letters (or digits) in a
    row, which the trigram index can look up; else names that start with it, read in order from a
    B-tree (migration ``loop_accounts/0003``) up to the page's limit. For fewer letters the trigram
    index cannot look "contains" up: PostgreSQL read all of a million names for ".." (issue 18). An
    email address or an @handle is not looked for in names."""
    if "@" in text:
        return None
    if THREE_LETTERS.search(text):
        return _names_containing(text)
    return Q(display_name__istartswith=text)


def _names_containing(text: str) -> Q:
    """Names that contain ``text``, looked up in the trigram index word by word and checked whole.

    Looked up whole, "Sakura Tanaka" also asks the index for the trigrams of its words' edges
    ("ra " ends a word, " ta" starts one), which a tenth of all names share: 4.9 ms at a million
    names, against 2.4 ms for each word on its own (docs/performance.md). A name with both words is
    not always one with the text, so the text is then checked whole, in a form no index takes."""
    words = [word for word in text.split() if THREE_LETTERS.search(word)]
    if words == [text]:
        return Q(display_name__icontains=text)
    whole: GreaterThan[int] = GreaterThan(StrIndex(Upper("display_name"), Upper(Value(text))), 0)
    return Q(*(Q(display_name__icontains=word) for word in words), whole)


def resolve_account(text: str, language: str = "en") -> LoopAccount | None:
    """The one account a form field names (handle, email, phone or ID), or None."""
    matches = exact_matches(text, language)
    return matches[0] if matches else None
