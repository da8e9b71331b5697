"""Sensitive changes on Loop for Business need a recent authentication, asked for in place (DESIGN
§8, issue 13 item 5): a first password, email and phone changes, and **Unlink Loop account**, on the
pages and in the JSON API. "Confirm it's you" takes the password, or, for an account made with
Continue with Loop that has none, the linked Loop account.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client as HttpClient
from django.utils.html import escape

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.business.fake_loop import LOOP, FakeLoop, LoopPerson, callback_query
from tests.business.pages import (
    CONFIRM,
    NEW_PASSWORD,
    PASSWORD,
    PERSONAL,
    UNLINK,
    authorize,
    code_sent_to,
    come_back,
    continue_as_new,
    link,
    log_in,
)

pytestmark = pytest.mark.django_db

REAUTHENTICATE = "/reauthenticate/"
WITH_LOOP = "/reauthenticate/loop/"
PASSWORD_PAGE = "/settings/password/"
EMAIL_PAGE = "/settings/personal/email/"
API_UNLINK_CODE = "/api/v1/link/unlink-code"
API_UNLINK = "/api/v1/link/unlink"


def query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@pytest.fixture
def aiko(fake_loop: FakeLoop) -> LoopPerson:
    return fake_loop.person("aiko", "Aiko Mori")


@pytest.fixture
def loop_only(client: Any, fake_loop: FakeLoop, aiko: LoopPerson, clock: Any) -> Any:
    """A browser that made a business account with Continue with Loop (no email, phone or password)
    11 minutes ago."""
    continue_as_new(client, fake_loop, aiko)
    clock.shift(timedelta(minutes=11))
    return client


def loop_only_account() -> BusinessAccount:
    return BusinessAccount.objects.get(loop_link__open_id="open-aiko")


def confirm_with_loop(client: Any, fake_loop: FakeLoop, person: LoopPerson, next_url: str, **extra: str) -> Any:
    """Press **Continue with Loop** on Confirm it's you and authorize as ``person`` on Loop."""
    started = client.post(WITH_LOOP, {"next": next_url, **extra})
    assert started.status_code == 302 and started["Location"].startswith(f"{LOOP}/v2/auth/authorize/?")
    return authorize(client, fake_loop, callback_query(started["Location"]), person)


# -- a password-less account (Continue with Loop) ----------------------------------------------------


def test_an_old_loop_only_session_cannot_set_a_first_password_without_confirming(loop_only: Any) -> None:
    response = loop_only.post(PASSWORD_PAGE, {"new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert query(response["Location"]) == {"next": PASSWORD_PAGE, "retry": "1"}
    assert not loop_only_account().has_usable_password()
    opened = loop_only.get(PASSWORD_PAGE)
    assert opened["Location"] == f"{REAUTHENTICATE}?next=%2Fsettings%2Fpassword%2F"


def test_the_confirm_page_offers_continue_with_loop_to_an_account_without_a_password(loop_only: Any) -> None:
    page = loop_only.get(f"{REAUTHENTICATE}?next={PASSWORD_PAGE}").content.decode()
    assert "Confirm it's you" in page
    assert 'name="password"' not in page
    assert f'<form method="post" action="{WITH_LOOP}">' in page
    assert "Continue with Loop</button>" in page
    assert "Your account has no password, so confirm it's you with the Loop account linked to it." in page


def test_continue_with_loop_confirms_its_you_and_comes_back_to_set_the_password(
    loop_only: Any, fake_loop: FakeLoop, aiko: LoopPerson, run_tasks: Any
) -> None:
    link_grant = LoopLink.objects.get(account=loop_only_account())
    back = confirm_with_loop(loop_only, fake_loop, aiko, PASSWORD_PAGE)
    assert back.redirect_chain[-1] == (PASSWORD_PAGE, 302)
    assert "Set a password" in back.content.decode()
    done = loop_only.post(PASSWORD_PAGE, {"new_password": NEW_PASSWORD})
    assert done["Location"] == PERSONAL
    assert loop_only_account().has_usable_password()
    assert AuditEvent.objects.get(account=loop_only_account(), kind=EventKind.REAUTHENTICATED).data == {
        "method": "loop"
    }
    # The sign-in's own tokens are revoked; the link keeps its grant.
    run_tasks()
    assert LoopLink.objects.get(account=loop_only_account()).pk == link_grant.pk
    assert len(fake_loop.live_grants(aiko)) == 1


def test_another_loop_account_cannot_confirm_its_you(loop_only: Any, fake_loop: FakeLoop, run_tasks: Any) -> None:
    stranger = fake_loop.person("mallory", "Mallory")
    back = confirm_with_loop(loop_only, fake_loop, stranger, PASSWORD_PAGE)
    assert back.request["PATH_INFO"] == REAUTHENTICATE
    html = back.content.decode()
    assert 'data-error-code="auth.reauthentication_wrong_account"' in html
    assert escape("That Loop account isn't the one linked to this account, so it can't confirm it's you.") in html
    assert f'<input type="hidden" name="next" value="{PASSWORD_PAGE}">' in html  # still on the way there
    assert loop_only.get(PASSWORD_PAGE)["Location"].startswith(REAUTHENTICATE)
    run_tasks()
    assert not fake_loop.live_grants(stranger)  # its tokens were revoked
    assert not AuditEvent.objects.filter(kind=EventKind.REAUTHENTICATED).exists()


def test_cancel_on_loop_leaves_the_person_on_confirm_its_you(loop_only: Any, fake_loop: FakeLoop) -> None:
    started = loop_only.post(WITH_LOOP, {"next": EMAIL_PAGE})
    back = come_back(loop_only, callback_query(started["Location"]), error="access_denied")
    assert back.request["PATH_INFO"] == REAUTHENTICATE
    assert 'data-error-code="link.consent_denied"' in back.content.decode()
    assert loop_only.get(EMAIL_PAGE)["Location"].startswith(REAUTHENTICATE)


def test_an_old_loop_only_session_confirms_before_adding_an_email(
    loop_only: Any, fake_loop: FakeLoop, aiko: LoopPerson, sent: Any, run_tasks: Any
) -> None:
    asked = loop_only.post(EMAIL_PAGE, {"value": "aiko.biz@example.com"})
    assert query(asked["Location"]) == {"next": EMAIL_PAGE, "retry": "1"}
    run_tasks()
    assert not sent.messages("aiko.biz@example.com")
    back = confirm_with_loop(loop_only, fake_loop, aiko, EMAIL_PAGE, retry="1")
    assert back.request["PATH_INFO"] == EMAIL_PAGE
    assert "Thank you. Nothing was changed yet, so please do it again." in back.content.decode()
    assert (
        loop_only.post(EMAIL_PAGE, {"value": "aiko.biz@example.com"})["Location"] == "/settings/personal/email/verify/"
    )
    run_tasks()
    assert sent.messages("aiko.biz@example.com")


def test_within_ten_minutes_a_new_loop_only_account_is_not_asked(
    client: Any, fake_loop: FakeLoop, aiko: LoopPerson, clock: Any
) -> None:
    continue_as_new(client, fake_loop, aiko)
    clock.shift(timedelta(minutes=9))
    assert client.get(PASSWORD_PAGE).status_code == 200
    assert client.post(PASSWORD_PAGE, {"new_password": NEW_PASSWORD})["Location"] == PERSONAL


def test_continue_with_loop_here_needs_a_link_a_login_and_post(
    client: Any, business_account: BusinessAccount, fake_loop: FakeLoop
) -> None:
    assert client.post(WITH_LOOP)["Location"].startswith("/login/")
    log_in(client, "sakura.biz@example.com")
    assert client.get(WITH_LOOP).status_code == 405
    refused = client.post(WITH_LOOP, {"next": PERSONAL}, follow=True)
    assert refused.request["PATH_INFO"] == REAUTHENTICATE
    assert 'data-error-code="unlink.not_linked"' in refused.content.decode()


def test_continue_with_loop_here_needs_the_csrf_token(loop_only: Any) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.cookies = loop_only.cookies
    assert browser.post(WITH_LOOP, {"next": PERSONAL}).status_code == 403


# -- an account with a password: Unlink Loop account -----------------------------------------------


@pytest.fixture
def linked_a_while_ago(signed_in: Any, business_account: BusinessAccount, fake_loop: FakeLoop, clock: Any) -> Any:
    """sakura.biz@example.com (email, phone and password), linked to @sakura, logged in 11 minutes ago."""
    link(signed_in, fake_loop, fake_loop.person("sakura", "Sakura Tanaka"))
    clock.shift(timedelta(minutes=11))
    return signed_in


def test_the_unlink_dialog_asks_to_confirm_its_you_then_comes_back_to_it(linked_a_while_ago: Any) -> None:
    response = linked_a_while_ago.get(UNLINK)
    assert response["Location"] == f"{REAUTHENTICATE}?next=%2Fsettings%2Fpersonal%2Funlink-loop%2F"
    page = linked_a_while_ago.get(response["Location"]).content.decode()
    assert 'name="password"' in page and "Continue with Loop</button>" in page  # either way works
    wrong = linked_a_while_ago.post(REAUTHENTICATE, {"password": "nope", "next": UNLINK})
    assert 'data-error-code="password.incorrect"' in wrong.content.decode()
    back = linked_a_while_ago.post(REAUTHENTICATE, {"password": PASSWORD, "next": UNLINK}, follow=True)
    assert back.request["PATH_INFO"] == UNLINK
    assert "Send code" in back.content.decode()


def test_an_interrupted_confirm_in_the_dialog_comes_back_to_the_code_step(
    signed_in: Any, business_account: BusinessAccount, fake_loop: FakeLoop, clock: Any, sent: Any, run_tasks: Any
) -> None:
    link(signed_in, fake_loop, fake_loop.person("sakura", "Sakura Tanaka"))
    clock.shift(timedelta(minutes=9))
    assert signed_in.post(UNLINK, {"contact": "email"})["Location"] == CONFIRM
    code = code_sent_to(sent, run_tasks, "sakura.biz@example.com")
    clock.shift(timedelta(minutes=2))  # the login is 11 minutes old now; the code 2 minutes
    interrupted = signed_in.post(CONFIRM, {"code": code})
    assert query(interrupted["Location"]) == {"next": CONFIRM, "retry": "1"}
    assert LoopLink.objects.filter(account=business_account).exists()
    back = signed_in.post(REAUTHENTICATE, {"password": PASSWORD, "next": CONFIRM, "retry": "1"}, follow=True)
    assert back.request["PATH_INFO"] == CONFIRM
    assert "Verification code" in back.content.decode()
    assert signed_in.post(CONFIRM, {"code": code})["Location"] == PERSONAL
    assert not LoopLink.objects.filter(account=business_account).exists()


def test_a_managed_account_is_told_to_ask_its_manager_before_anything_else(
    client: Any, make_business_account: Any, manager: BusinessAccount, fake_loop: FakeLoop, clock: Any
) -> None:
    managed = make_business_account(email="managed@example.com", account_manager=manager)
    log_in(client, "managed@example.com")
    link(client, fake_loop, fake_loop.person("ren", "Ren Kato"))
    clock.shift(timedelta(minutes=11))
    page = client.get(UNLINK)
    assert page.status_code == 200
    assert 'data-error-code="unlink.managed_account"' in page.content.decode()
    assert managed.pk


# -- the JSON API ------------------------------------------------------------------------------------


def api_post(client: Any, path: str, body: dict[str, str]) -> Any:
    client.get("/api/v1/link")  # sets the CSRF cookie
    token = client.cookies["lfb_csrftoken"].value
    return client.post(path, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)


def test_the_api_answers_401_with_the_confirm_page_when_the_login_is_old(linked_a_while_ago: Any) -> None:
    for path, body in ((API_UNLINK_CODE, {"contact": "email"}), (API_UNLINK, {"contact": "email", "code": "123456"})):
        response = api_post(linked_a_while_ago, path, body)
        assert response.status_code == 401
        data = response.json()
        assert data["code"] == "auth.reauthentication_required"
        assert data["message"] == "For your security, confirm it's you (it takes a moment), then try again."
        assert data["reauthenticate_url"] == "http://testserver/reauthenticate/?next=%2Fsettings%2Fpersonal%2F"
    linked_a_while_ago.post(REAUTHENTICATE, {"password": PASSWORD, "next": PERSONAL})
    assert api_post(linked_a_while_ago, API_UNLINK_CODE, {"contact": "email"}).status_code == 202


def test_the_api_says_a_state_refusal_before_asking_to_confirm(signed_in: Any, clock: Any) -> None:
    clock.shift(timedelta(minutes=11))
    response = api_post(signed_in, API_UNLINK_CODE, {"contact": "email"})
    assert response.status_code == 409 and response.json()["code"] == "unlink.not_linked"


def test_the_api_message_is_translated(linked_a_while_ago: Any) -> None:
    linked_a_while_ago.cookies["lfb_language"] = "ja"
    response = api_post(linked_a_while_ago, API_UNLINK_CODE, {"contact": "email"})
    assert (
        response.json()["message"]
        == "セキュリティ保護のため、本人確認（すぐに済みます）を行ってから、もう一度お試しください。"
    )


def test_confirm_its_you_in_japanese(loop_only: Any) -> None:
    loop_only.cookies["lfb_language"] = "ja"
    page = loop_only.get(f"{REAUTHENTICATE}?next={PASSWORD_PAGE}").content.decode()
    assert "<h1>本人確認</h1>" in page and "Loopで続ける</button>" in page
    assert "このアカウントにはパスワードがないため、連携しているLoopアカウントで本人確認を行ってください。" in page
