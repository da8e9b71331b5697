"""Contact support on Loop: the suspended holder's appeal, and the way out of a reset that cannot
reach anyone (DESIGN §4.6; issue 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.support.models import CaseKind, SupportCase
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REPLY = "yuki.personal@example.net"


def test_a_suspended_holder_is_told_why_and_offered_an_appeal(client: HttpClient, suspended_account: Any) -> None:
    response = client.post(reverse("loop:login"), {"identifier": "yuki", "password": PASSWORD})
    page = response.content.decode()
    assert 'data-error-code="login.suspended"' in page
    assert "Reason: Spam reports" in page
    appeal = f"{reverse('loop:contact_support')}?kind=appeal&amp;identifier=yuki"
    assert f'href="{appeal}">Contact support<' in page


def test_a_wrong_password_for_a_suspended_account_says_nothing_about_it(
    client: HttpClient, suspended_account: Any
) -> None:
    page = client.post(reverse("loop:login"), {"identifier": "yuki", "password": "wrong-password"}).content.decode()
    assert "login.suspended" not in page and "Spam reports" not in page and "kind=appeal" not in page


def test_the_appeal_form_opens_an_appeal_case_for_the_account(
    client: HttpClient, suspended_account: Any, outbox: Any, run_tasks: Any
) -> None:
    form = client.get(reverse("loop:contact_support"), {"kind": "appeal", "identifier": "yuki"}).content.decode()
    assert "If you think your Loop account was suspended by mistake" in form
    assert 'value="yuki"' in form and 'name="kind" value="appeal"' in form

    response = client.post(
        reverse("loop:contact_support"),
        {
            "kind": "appeal",
            "requester_name": "Yuki Ito",
            "identifier": "yuki",
            "reply_to": REPLY,
            "message": "Those were not spam, they were my own photos.",
        },
        follow=True,
    )

    case = SupportCase.objects.get()
    assert (case.kind, case.account) == (CaseKind.APPEAL, suspended_account)
    page = response.content.decode()
    assert f"Your request {case.reference} is with our support team." in page
    assert "whether the account is restored" in page
    run_tasks()
    message = outbox.last(REPLY)
    assert case.reference in message.subject and "appeal" in message.body
    assert AuditEvent.objects.filter(account=suspended_account, kind=EventKind.SUPPORT_CASE_OPENED).exists()


def test_forgot_password_and_the_reset_page_lead_to_contact_support(client: HttpClient) -> None:
    link = f'href="{reverse("loop:contact_support")}">No email or phone you can use? Contact support<'
    assert link in client.get(reverse("loop:forgot_password")).content.decode()
    client.post(reverse("loop:forgot_password"), {"identifier": "someone"})
    assert link in client.get(reverse("loop:password_reset")).content.decode()


def test_an_unknown_kind_is_a_recovery_request(client: HttpClient) -> None:
    page = client.get(reverse("loop:contact_support"), {"kind": "<script>"}).content.decode()
    assert 'name="kind" value="recovery"' in page and "<script>" not in page
    assert "send you a link to add an email or phone" in page


def test_support_agents_find_the_console_in_settings(agent_browser: HttpClient, make_loop_account: Any) -> None:
    console = f'href="{reverse("loop:staff_home")}">Support console<'
    assert console in agent_browser.get(reverse("loop:settings")).content.decode()
    holder = HttpClient()
    holder.force_login(make_loop_account(handle="holder", email="holder@example.com"))
    assert "Support console" not in holder.get(reverse("loop:settings")).content.decode()
