"""Staff sign in with a password and then a code, and get a short session (DESIGN §8; issue 5).

The log-in pages are the kit's, shared by both platforms; Loop's are used here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import ErrorCode
from tests.consumer.conftest import PASSWORD
from tests.staff_helpers import staff_client

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/staff/webhooks/"


def password_step(client: HttpClient, handle: str, next_url: str = "") -> Any:
    data = {"identifier": handle, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("loop:login"), data)


def test_the_password_alone_does_not_log_staff_in(client: HttpClient, agent: Any, outbox: Any, run_tasks: Any) -> None:
    response = password_step(client, "agent")
    assert response.status_code == 302 and response["Location"] == reverse("loop:staff_login_verify")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("loop:staff_login_verify")).content.decode()
    assert "Enter your staff sign-in code" in page and "a***t@example.com" in page
    run_tasks()
    assert outbox.code_for("agent@example.com")


def test_the_code_logs_staff_in_with_a_short_session(
    client: HttpClient, agent: Any, outbox: Any, run_tasks: Any
) -> None:
    password_step(client, "agent", next_url=STAFF_PAGE)
    run_tasks()
    response = client.post(reverse("loop:staff_login_verify"), {"code": outbox.code_for("agent@example.com")})

    assert response.status_code == 302 and response["Location"] == STAFF_PAGE
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.session.get_expiry_age() == settings.ACCOUNTLINK_STAFF_SESSION_SECONDS < settings.SESSION_COOKIE_AGE
    assert client.get(STAFF_PAGE).status_code == 200
    assert AuditEvent.objects.filter(account=agent, kind=EventKind.LOGIN).count() == 1


def test_a_wrong_code_does_not_log_staff_in(client: HttpClient, agent: Any, outbox: Any, run_tasks: Any) -> None:
    password_step(client, "agent")
    run_tasks()
    code = outbox.code_for("agent@example.com")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("loop:staff_login_verify"), {"code": wrong})
    assert response.status_code == 200
    assert f'data-error-code="{ErrorCode.CODE_INVALID}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_step_sends_back_to_log_in(client: HttpClient) -> None:
    response = client.get(reverse("loop:staff_login_verify"))
    assert response.status_code == 302 and response["Location"] == reverse("loop:login")


def test_holders_still_log_in_with_their_password_alone(client: HttpClient, loop_account: Any) -> None:
    response = client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != reverse("loop:staff_login_verify")
    assert client.session["_auth_user_id"] == str(loop_account.pk)


def test_a_staff_account_without_an_address_cannot_sign_in(client: HttpClient, make_loop_account: Any) -> None:
    account = make_loop_account(handle="nocontact", email=None, phone="+819033334444")
    account.phone = None
    account.is_support_agent = True
    account.save()
    response = client.post(reverse("loop:login"), {"identifier": "nocontact", "password": PASSWORD}, follow=True)
    assert f'data-error-code="{ErrorCode.STAFF_NO_CONTACT}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_staff_session_without_the_code_is_sent_to_log_in_again(agent: Any) -> None:
    browser = staff_client(agent, second_factor=False)
    response = browser.get(STAFF_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))
    assert "_auth_user_id" not in browser.session


def test_staff_pages_refuse_holders_and_send_visitors_to_log_in(browser: HttpClient) -> None:
    assert browser.get(STAFF_PAGE).status_code == 403
    response = HttpClient().get(STAFF_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))
