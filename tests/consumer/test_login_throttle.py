"""Password guessing on Loop's login is throttled per account and per client, and the holder's own
browser still gets in (DESIGN §8, issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.conftest import PASSWORD
from tests.consumer.page_helpers import error_code

pytestmark = pytest.mark.django_db


def log_in(browser: Any, identifier: str, password: str) -> Any:
    return browser.post(reverse("loop:login"), {"identifier": identifier, "password": password})


def lock_out(browser: Any, identifier: str, clock: Any) -> Any:
    """Eleven wrong guesses, each after the wait the one before asked for: the eleventh locks."""
    for number in range(11):
        response = log_in(browser, identifier, f"guess-{number}")
        clock.shift(64)
    return response


def test_300_guesses_check_at_most_ten_passwords_and_the_right_one_then_waits(client: Any, loop_account: Any) -> None:
    answers = [error_code(log_in(client, "sakura", f"guess-{n}")) for n in range(300)]
    assert answers.count("login.invalid_credentials") <= 10
    assert answers[-1] == "auth.throttled"
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.LOGIN_FAILED).count() <= 10
    response = log_in(client, "sakura", PASSWORD)
    assert error_code(response) == "auth.throttled"
    assert not response.wsgi_request.user.is_authenticated


def test_the_lock_is_told_plainly_with_when_to_retry_and_a_help_link(client: Any, loop_account: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        response = lock_out(client, "sakura", clock)
    text = response.content.decode()
    assert "Too many attempts. For your security, wait 15 minutes, then try again." in text
    assert "/help/" in text


def test_the_lock_is_told_in_japanese(client: Any, loop_account: Any) -> None:
    client.cookies["loop_language"] = "ja"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        response = lock_out(client, "sakura", clock)
    assert error_code(response) == "auth.throttled"
    assert "15分" in response.content.decode()


def test_after_the_lock_the_holder_logs_in(client: Any, loop_account: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        lock_out(client, "sakura", clock)
        clock.shift(15 * 60 - 64 - 1)  # the lock began when the eleventh guess was refused
        assert error_code(log_in(client, "sakura", PASSWORD)) == "auth.throttled"
        clock.shift(1)
        response = log_in(client, "sakura", PASSWORD)
    assert response.status_code == 302 and response.wsgi_request.user == loop_account


def test_a_browser_that_logged_in_before_keeps_its_own_allowance(client: Any, loop_account: Any) -> None:
    holder = Client()
    assert log_in(holder, "sakura", PASSWORD).status_code == 302
    holder.post(reverse("loop:logout"))
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for number in range(300):
        log_in(attacker, "sakura", f"guess-{number}")
    assert error_code(log_in(attacker, "sakura", PASSWORD)) == "auth.throttled"
    response = log_in(holder, "sakura", PASSWORD)
    assert response.status_code == 302 and response.wsgi_request.user == loop_account


def test_a_forged_or_another_accounts_device_cookie_gives_no_allowance(
    client: Any, loop_account: Any, make_loop_account: Any
) -> None:
    other = make_loop_account(handle="ren")
    browser = Client()
    assert log_in(browser, other.handle, PASSWORD).status_code == 302  # a device of another account
    browser.post(reverse("loop:logout"))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        lock_out(client, "sakura", clock)
    assert error_code(log_in(browser, "sakura", PASSWORD)) == "auth.throttled"
    forged = Client()
    forged.cookies["loop_device"] = "eyJkIjoiYWJjIiwiYSI6WzFdfQ:forged:signature"
    assert error_code(log_in(forged, "sakura", PASSWORD)) == "auth.throttled"


def test_an_unknown_account_answers_exactly_like_a_known_one(client: Any, loop_account: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False):
        known = [error_code(log_in(Client(REMOTE_ADDR="198.51.100.1"), "sakura", "wrong-1")) for _ in range(12)]
        unknown = [error_code(log_in(Client(REMOTE_ADDR="198.51.100.2"), "nobody", "wrong-1")) for _ in range(12)]
    assert known == unknown
    assert known[-1] == "auth.throttled"


def test_one_client_spraying_many_accounts_is_slowed_down(client: Any, make_loop_account: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False):
        answers = [error_code(log_in(client, f"person{number}", "Summer2026!")) for number in range(60)]
    assert answers[:20] == ["login.invalid_credentials"] * 20
    assert answers[-1] == "auth.throttled"


def test_a_staff_password_is_throttled_before_the_code_page(client: Any, agent: Any) -> None:
    for number in range(30):
        log_in(client, "agent@example.com", f"guess-{number}")
    response = log_in(client, "agent@example.com", PASSWORD)
    assert response.status_code == 200
    assert error_code(response) == "auth.throttled"
