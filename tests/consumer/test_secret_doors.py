"""Every door where a person types a secret is throttled (issue 13): the staff code, the code pages
and recovery links. Passwords at login are covered by test_login_throttle.py."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.consumer.conftest import PASSWORD
from tests.consumer.page_helpers import error_code

pytestmark = pytest.mark.django_db


def test_staff_codes_are_throttled_across_new_codes(agent: Any) -> None:
    answers = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        browser = Client()
        for _ in range(6):  # six codes, each tried five times: 30 guesses
            browser.post(reverse("loop:login"), {"identifier": "agent", "password": PASSWORD})
            for _ in range(5):
                answers.append(error_code(browser.post(reverse("loop:staff_login_verify"), {"code": "000000"})))
                clock.shift(3)
            clock.shift(61)
    judged = [answer for answer in answers if answer in {"code.invalid", "code.too_many_attempts"}]
    assert len(judged) <= 20
    assert answers[-1] == "auth.throttled"


def test_one_client_trying_recovery_links_by_the_thousand_is_stopped() -> None:
    browser = Client()
    statuses = [browser.get(reverse("loop:recover", args=[f"guess{number:04d}"])).status_code for number in range(60)]
    assert statuses[:20] == [404] * 20
    assert statuses[-1] == 429
    assert "Too many attempts" in browser.get(reverse("loop:recover", args=["another"])).content.decode()


def test_reset_codes_for_one_account_are_throttled_across_new_flows(loop_account: Any) -> None:
    answers = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(6):
            browser = Client(REMOTE_ADDR="198.51.100.7")
            browser.post(reverse("loop:forgot_password"), {"identifier": "sakura"})
            for _ in range(5):
                response = browser.post(
                    reverse("loop:password_reset"), {"code": "000000", "new_password": "N3w-passphrase!"}
                )
                answers.append(error_code(response))
                clock.shift(3)
            clock.shift(61)
    assert answers.count("code.invalid") + answers.count("code.too_many_attempts") <= 20
    assert answers[-1] == "auth.throttled"
