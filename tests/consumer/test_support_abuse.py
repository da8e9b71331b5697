"""Contact support cannot be used as a mailer (issue 13): acknowledgements are capped per reply
address and per client, quote nothing the visitor typed but the case number, and staff still see
every case. The page is the kit's, shared with Loop for Business."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accountlink.kit.support.models import SupportCase

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.net"


def contact_support(browser: Any, reply_to: str, name: str = "Visit https://evil.example now") -> Any:
    return browser.post(
        reverse("loop:contact_support"),
        {
            "kind": "recovery",
            "requester_name": name,
            "identifier": "someone",
            "reply_to": reply_to,
            "message": "Please call +1 555 0100 https://evil.example",
        },
    )


def test_100_posts_to_one_address_send_it_three_messages_and_open_100_cases(outbox: Any, run_tasks: Any) -> None:
    for number in range(100):
        response = contact_support(Client(REMOTE_ADDR=f"198.51.100.{number}"), VICTIM)
        assert response.status_code == 302 and response["Location"] == reverse("loop:support_case_sent")
    run_tasks()
    assert len(outbox.messages(VICTIM)) == 3
    assert SupportCase.objects.filter(reply_to=VICTIM).count() == 100  # staff see every one


def test_one_client_makes_at_most_five_acknowledgements_a_day(outbox: Any, run_tasks: Any) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for number in range(40):
        contact_support(attacker, f"+1202555{number:04d}")
    run_tasks()
    assert len(outbox.messages()) == 5


def test_the_acknowledgement_quotes_nothing_the_visitor_typed_but_the_case_number(outbox: Any, run_tasks: Any) -> None:
    contact_support(Client(), VICTIM)
    run_tasks()
    message = outbox.last(VICTIM)
    case = SupportCase.objects.get()
    assert case.reference in message.body
    for typed in ("evil.example", "Visit", "555 0100", "someone"):
        assert typed not in message.body and typed not in message.subject
