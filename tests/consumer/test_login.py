from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountlink.consumer.accounts import actions
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", ["sakura", "@Sakura", "SAKURA@example.com", "+81 90-1234-5678"])
def test_log_in_by_handle_email_or_phone(client: Any, loop_account: Any, identifier: str) -> None:
    response = client.post(reverse("loop:login"), {"identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user == loop_account
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.LOGIN).count() == 1


def test_wrong_password_and_unknown_account_get_the_same_answer(client: Any, loop_account: Any) -> None:
    wrong = client.post(reverse("loop:login"), {"identifier": "sakura", "password": "nope-nope-nope"})
    unknown = client.post(reverse("loop:login"), {"identifier": "nobody", "password": "nope-nope-nope"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert b'data-error-code="login.invalid_credentials"' in response.content
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.LOGIN_FAILED).count() == 1


def test_a_suspended_account_is_told_so_only_with_the_right_password(client: Any, loop_account: Any) -> None:
    actions.do_suspend_account(loop_account, reason="review")
    response = client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert b'data-error-code="login.suspended"' in response.content
    assert not response.wsgi_request.user.is_authenticated
    response = client.post(reverse("loop:login"), {"identifier": "sakura", "password": "wrong-password"})
    assert b'data-error-code="login.invalid_credentials"' in response.content


def test_suspending_an_account_ends_its_sessions(client: Any, loop_account: Any) -> None:
    client.force_login(loop_account)
    assert client.get(reverse("loop:profile")).status_code == 200
    actions.do_suspend_account(loop_account, reason="review")
    response = client.get(reverse("loop:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))


def test_the_session_is_rotated_on_login(client: Any, loop_account: Any) -> None:
    client.get(reverse("loop:login"))
    client.session["marker"] = 1
    before = client.session.session_key
    client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert client.session.session_key != before


def test_login_returns_to_the_page_asked_for_but_never_off_site(client: Any, loop_account: Any) -> None:
    response = client.post(
        reverse("loop:login") + "?next=/settings/", {"identifier": "sakura", "password": PASSWORD, "next": "/settings/"}
    )
    assert response["Location"] == "/settings/"
    client.logout()
    response = client.post(
        reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("loop:home")


def test_log_out_needs_a_post(client: Any, loop_account: Any) -> None:
    client.force_login(loop_account)
    assert client.get(reverse("loop:logout")).status_code == 405
    client.post(reverse("loop:logout"))
    assert client.get(reverse("loop:profile")).status_code == 302
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.LOGOUT).exists()


def test_login_on_a_new_browser_brings_the_language_saved_on_the_account(client: Any, make_loop_account: Any) -> None:
    make_loop_account(handle="maria", email="maria@example.com", language="es")
    response = client.post(
        reverse("loop:login"), {"identifier": "maria", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.cookies["loop_language"].value == "es"
    assert '<html lang="es">' in client.get(reverse("loop:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_login_on_a_browser_that_chose_a_language_keeps_its_choice(client: Any, make_loop_account: Any) -> None:
    make_loop_account(handle="maria", email="maria@example.com", language="es")
    client.cookies["loop_language"] = "ja"
    response = client.post(reverse("loop:login"), {"identifier": "maria", "password": PASSWORD})
    assert "loop_language" not in response.cookies
    assert '<html lang="ja">' in client.get(reverse("loop:profile")).content.decode()


@pytest.mark.parametrize("data", [{}, {"identifier": "x" * 5000, "password": "y"}, {"identifier": "", "password": ""}])
def test_bad_login_input_is_a_form_error_not_a_crash(client: Any, data: dict[str, str]) -> None:
    response = client.post(reverse("loop:login"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
