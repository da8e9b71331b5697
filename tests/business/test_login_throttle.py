"""Password guessing on Loop for Business is throttled and the holder's own browser still gets in;
its Forgot password and code page answer alike for unknown accounts (issue 13). The pages are the
kit's; Loop's side is tested in tests/consumer/test_login_throttle.py and test_enumeration.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.business.pages import PASSWORD, log_in

pytestmark = pytest.mark.django_db


def error_code(response: Any) -> str | None:
    found = re.search(rb'data-error-code="([^"]+)"', response.content)
    return found.group(1).decode() if found else None


def test_300_guesses_check_at_most_ten_and_the_holders_browser_still_logs_in(business_account: Any) -> None:
    holder = Client()
    assert log_in(holder, "sakura.biz@example.com").status_code == 302
    holder.post(reverse("business:logout"))
    attacker = Client()
    answers = [error_code(log_in(attacker, "sakura.biz@example.com", f"guess-{n}")) for n in range(300)]
    assert answers.count("login.invalid_credentials") <= 10
    assert error_code(log_in(attacker, "sakura.biz@example.com")) == "auth.throttled"
    response = log_in(holder, "sakura.biz@example.com")
    assert response.status_code == 302 and response.wsgi_request.user == business_account


def test_a_phone_number_and_an_email_share_one_accounts_allowance(business_account: Any) -> None:
    for number in range(6):
        log_in(Client(), "sakura.biz@example.com", f"guess-{number}")
    assert error_code(log_in(Client(), "+819012345678", "another-guess")) == "auth.throttled"


def reset_answers(identifier: str) -> list[Any]:
    browser = Client()
    started = browser.post(reverse("business:forgot_password"), {"identifier": identifier})
    answers: list[Any] = [started.status_code, started["Location"]]
    for _ in range(6):
        response = browser.post(
            reverse("business:password_reset"), {"code": "000000", "new_password": "N3w-passphrase!"}
        )
        answers.append(error_code(response))
    return answers


def test_forgot_password_and_its_code_page_answer_alike_for_an_unknown_account(business_account: Any) -> None:
    assert reset_answers("sakura.biz@example.com") == reset_answers("nobody.biz@example.com")


def test_the_reset_code_arrives_through_the_worker_and_works(
    business_account: Any, outbox: Any, run_tasks: Any
) -> None:
    browser = Client()
    browser.post(reverse("business:forgot_password"), {"identifier": "sakura.biz@example.com"})
    run_tasks()
    code = outbox.code_for("sakura.biz@example.com")
    response = browser.post(reverse("business:password_reset"), {"code": code, "new_password": PASSWORD + "-new"})
    assert response.status_code == 302 and response["Location"] == reverse("business:login")
