"""Codes asked for by strangers count apart from the holder's own (DESIGN §8, issue 13): a few
anonymous Forgot password and sign-up requests naming someone's address cannot stop that person's
staff sign-in code, and the anonymous allowance itself stays capped."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountlink.kit.codes.models import VerificationCode
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db

AGENT_EMAIL = "agent@example.com"  # the agent fixture's address


def stranger_asks_for_codes(clock: Any, times: int) -> None:
    """Anonymous Forgot password and sign-up requests naming the agent's address, a minute apart."""
    for number in range(times):
        Client().post(reverse("loop:forgot_password"), {"identifier": AGENT_EMAIL})
        signup = {
            "handle": f"intruder{number}",
            "display_name": "Intruder",
            "contact": AGENT_EMAIL,
            "password": "a-long-enough-passphrase",
            "birth_date": date(1990, 1, 1).isoformat(),
        }
        Client().post(reverse("loop:signup"), signup)
        clock.shift(61)


def test_strangers_cannot_spend_the_agents_sign_in_codes(agent: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        stranger_asks_for_codes(clock, 12)
        response = Client().post(reverse("loop:login"), {"identifier": AGENT_EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("loop:staff_login_verify")
    assert VerificationCode.objects.filter(account=agent, purpose="staff_login").count() == 1


def test_the_anonymous_allowance_of_an_address_stays_capped(agent: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        stranger_asks_for_codes(clock, 12)
    anonymous = VerificationCode.objects.filter(destination=AGENT_EMAIL, purpose__in=["password_reset", "signup"])
    assert anonymous.count() == 5  # per destination per hour


def test_the_holders_own_codes_still_obey_their_own_caps(agent: Any, settings: Any) -> None:
    settings.ACCOUNTLINK_CODE_POLICY = {"per_account_per_hour": 2, "per_destination_per_hour": 2}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        answers = []
        for _ in range(3):
            response = Client().post(reverse("loop:login"), {"identifier": AGENT_EMAIL, "password": PASSWORD})
            answers.append(response["Location"] if response.status_code == 302 else None)
            clock.shift(61)
    assert answers[:2] == [reverse("loop:staff_login_verify")] * 2
    assert answers[2] == reverse("loop:login")  # "Too many codes were requested"
