"""Every page that takes an identifier or an address answers the same for unknown accounts, in
content and in the work it does (DESIGN §8, issue 13). Loop's pages are the kit's, shared with Loop
for Business."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.consumer.page_helpers import error_code

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Aiko Mori",
    "password": "a-long-enough-passphrase",
    "birth_date": date(1990, 1, 1).isoformat(),
}


def reset_answers(identifier: str, tries: int = 7) -> list[Any]:
    browser = Client()
    started = browser.post(reverse("loop:forgot_password"), {"identifier": identifier})
    answers: list[Any] = [(started.status_code, started["Location"])]
    for _ in range(tries):
        response = browser.post(reverse("loop:password_reset"), {"code": "000000", "new_password": "N3w-passphrase!"})
        answers.append(error_code(response))
    return answers


def test_forgot_password_and_its_code_page_answer_alike_for_an_unknown_account(loop_account: Any) -> None:
    known = reset_answers("sakura@example.com")
    unknown = reset_answers("nobody@example.com")
    assert known == unknown
    assert known[1:] == ["code.invalid"] * 4 + ["code.too_many_attempts"] * 3


def test_an_unknown_accounts_reset_code_expires_like_a_real_one(loop_account: Any, run_tasks: Any) -> None:
    answers = {}
    for identifier in ("sakura", "nobody"):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            browser = Client()
            browser.post(reverse("loop:forgot_password"), {"identifier": identifier})
            run_tasks()
            clock.shift(10 * 60 + 1)
            response = browser.post(
                reverse("loop:password_reset"), {"code": "000000", "new_password": "N3w-passphrase!"}
            )
            answers[identifier] = error_code(response)
    assert answers == {"sakura": "code.expired", "nobody": "code.expired"}


def test_forgot_password_does_the_same_work_for_known_and_unknown_accounts(loop_account: Any) -> None:
    queries = {}
    for identifier in ("sakura@example.com", "nobody@example.com"):
        with CaptureQueriesContext(connection) as captured:
            Client().post(reverse("loop:forgot_password"), {"identifier": identifier})
        queries[identifier] = [re.sub(r"'[^']*'|\d+", "?", query["sql"]) for query in captured.captured_queries]
    assert queries["sakura@example.com"] == queries["nobody@example.com"]


def test_the_reset_code_still_arrives_and_works(loop_account: Any, outbox: Any, run_tasks: Any) -> None:
    browser = Client()
    browser.post(reverse("loop:forgot_password"), {"identifier": "+81 90-1234-5678"})
    run_tasks()
    code = outbox.code_for("+819012345678")  # to the number typed, not the email
    response = browser.post(reverse("loop:password_reset"), {"code": code, "new_password": "N3w-passphrase!"})
    assert response.status_code == 302 and response["Location"] == reverse("loop:login")


def signup_answers(contact: str, handle: str, tries: int = 7) -> list[Any]:
    browser = Client()
    started = browser.post(reverse("loop:signup"), {**SIGNUP, "handle": handle, "contact": contact})
    answers: list[Any] = [started.status_code, started.get("Location"), error_code(started)]
    for _ in range(tries):
        answers.append(error_code(browser.post(reverse("loop:signup_verify"), {"code": "000000"})))
    return answers


def test_the_sign_up_code_page_answers_alike_for_a_taken_and_a_free_address(loop_account: Any) -> None:
    taken = signup_answers("sakura@example.com", "aiko_one")
    free = signup_answers("aiko@example.com", "aiko_two")
    assert taken == free
    assert taken[3:] == ["code.invalid"] * 4 + ["code.too_many_attempts"] * 3


def test_a_taken_handle_is_refused_whatever_the_address(loop_account: Any) -> None:
    own = signup_answers("sakura@example.com", "sakura", tries=0)
    other = signup_answers("someone@example.com", "sakura", tries=0)
    assert own == other == [200, None, "signup.handle_taken"]


def test_one_persons_unfinished_sign_up_may_take_its_handle_again(loop_account: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = signup_answers("aiko@example.com", "aiko_m", tries=0)
        clock.shift(61)
        again = signup_answers("aiko@example.com", "aiko_m", tries=0)
    assert first == again == [302, reverse("loop:signup_verify"), None]
