"""Whether a new support case may be acknowledged to its reply address (issue 13).

**Contact support** answers every request with "we received your request". Past a few of these in
24 hours, per reply address and per client network, a case is still opened and staff see it, but
nothing is sent, so the form cannot be used to send mail or SMS to strangers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accountlink.kit.conf import platform_settings
from accountlink.kit.contacts import Contact

from .models import SupportCase

OPEN_CASE_LOCK = 0x5C0A5E  # any constant, the same in every process


@dataclass(frozen=True)
class AcknowledgementCaps:
    """How many acknowledgements go out in 24 hours (``ACCOUNTLINK_SUPPORT_ACKNOWLEDGEMENTS`` overrides them)."""

    per_reply_address: int = 3
    per_source: int = 5


def acknowledgement_caps() -> AcknowledgementCaps:
    return AcknowledgementCaps(**platform_settings.SUPPORT_ACKNOWLEDGEMENTS)


def may_acknowledge(reply_to: Contact, source: str) -> bool:
    """Whether a case from ``source`` (a hash of the client's network) may be acknowledged to ``reply_to``."""
    caps, day_ago = acknowledgement_caps(), timezone.now() - timedelta(days=1)
    sent = SupportCase.objects.filter(acknowledged=True, created_at__gte=day_ago)
    if sent.filter(reply_to=reply_to.value).count() >= caps.per_reply_address:
        return False
    return not (source and sent.filter(source=source).count() >= caps.per_source)


def one_case_at_a_time() -> None:
    """Inside the transaction that opens a case: parallel posts must not all slip under the caps.
    SQLite's write transactions already run one at a time; PostgreSQL takes a transaction-scoped
    advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OPEN_CASE_LOCK])
