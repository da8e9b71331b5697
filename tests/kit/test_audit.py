from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from accountlink.kit.audit.context import request_context
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.audit.record import record

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_audit_event_can_only_be_written_inside_a_transaction(loop_account: Any) -> None:
    with pytest.raises(RuntimeError):
        record(EventKind.LOGIN, account=loop_account)


def test_an_audit_event_rolls_back_with_the_change(loop_account: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError), transaction.atomic():
        record(EventKind.PROFILE_CHANGED, account=loop_account)
        raise ValueError("the action failed")
    assert AuditEvent.objects.count() == before


def test_audit_events_carry_the_client_of_the_request(loop_account: Any) -> None:
    with request_context("203.0.113.7", "TestAgent/1.0"), transaction.atomic():
        event = record(EventKind.LOGIN, account=loop_account, actor=loop_account)
    event.refresh_from_db()
    assert (event.ip_address, event.user_agent, event.actor) == ("203.0.113.7", "TestAgent/1.0", loop_account)


def test_requests_record_their_ip_in_the_events(client: Any, loop_account: Any) -> None:
    from tests.consumer.conftest import PASSWORD

    client.post("/login/", {"identifier": "sakura", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    assert AuditEvent.objects.get(kind=EventKind.LOGIN).ip_address == "198.51.100.4"
