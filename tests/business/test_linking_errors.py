"""Every ``link.*`` refusal (DESIGN §6), reproduced over HTTP, lands on the page the person started from.

Link Loop account starts on Personal information; Continue with Loop starts on the log in or the sign
up page. Each refusal shows its stable code (``data-error-code``) and its message in the browser's
language, and never an error page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
import responses
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import ErrorCode
from tests.business.fake_loop import LOOP, FakeLoop, live_refresh_tokens
from tests.business.link_refusals import assert_refused, refusals
from tests.business.pages import (
    CALLBACK,
    CONTINUE,
    LINK_START,
    LOGIN,
    PERSONAL,
    SIGNUP,
    authorize,
    come_back,
    link,
    start_continue,
    start_link,
)

pytestmark = pytest.mark.django_db

PAGES = {"link": PERSONAL, "login": LOGIN, "signup": SIGNUP}
LANGUAGES = ["en", "ja", "es"]


def speak(client: Any, language: str) -> None:
    """The browser's chosen language (the language switcher's cookie)."""
    client.cookies["lfb_language"] = language


def begin(client: Any, account: BusinessAccount, source: str) -> dict[str, str]:
    """Start the flow from ``source``: Link Loop account (signed in) or Continue with Loop (signed out)."""
    if source == "link":
        client.force_login(account)
        return start_link(client)
    return start_continue(client, source)


def business_accounts() -> int:
    return BusinessAccount.objects.count()


# -- refusals Loop explains on the way back -----------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source", ["link", "login", "signup"])
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"error": "access_denied", "error_code": "link.age_requirement"}, ErrorCode.LINK_AGE_REQUIREMENT),
        ({"error": "access_denied", "error_code": "link.account_unavailable"}, ErrorCode.LINK_ACCOUNT_UNAVAILABLE),
        ({"error": "access_denied", "error_description": "The user cancelled."}, ErrorCode.LINK_CONSENT_DENIED),
        ({"error": "access_denied", "error_code": "something.else"}, ErrorCode.LINK_CONSENT_DENIED),
    ],
    ids=["age_requirement", "account_unavailable", "consent_denied", "unknown_error_code"],
)
def test_loop_refusals_are_shown_where_the_flow_started(
    client: Any,
    business_account: Any,
    fake_loop: FakeLoop,
    source: str,
    language: str,
    params: dict[str, str],
    code: ErrorCode,
) -> None:
    speak(client, language)
    accounts = business_accounts()
    query = begin(client, business_account, source)

    response = come_back(client, query, **params)

    assert_refused(response, code, PAGES[source], language)
    assert not LoopLink.objects.exists()
    assert business_accounts() == accounts
    assert fake_loop.token_requests == []  # nothing to exchange
    assert "flow:loop" not in client.session
    assert ("_auth_user_id" in client.session) == (source == "link")


def test_the_refusal_is_in_the_accept_language_of_a_signed_out_browser(
    client: Any, business_account: Any, fake_loop: FakeLoop
) -> None:
    query = start_continue(client, "login", HTTP_ACCEPT_LANGUAGE="ja")
    response = client.get(
        CALLBACK, {"state": query["state"], "error": "access_denied"}, follow=True, HTTP_ACCEPT_LANGUAGE="ja"
    )
    html = assert_refused(response, ErrorCode.LINK_CONSENT_DENIED, LOGIN, "ja")
    assert "ログイン" in html


# -- link.already_linked ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_loop_account_linked_elsewhere_is_refused_without_saying_where(
    client: Any,
    other_browser: Any,
    business_account: Any,
    make_business_account: Any,
    fake_loop: FakeLoop,
    run_tasks: Any,
    language: str,
) -> None:
    hana = make_business_account(email="hana.biz@example.com", display_name="Hana Holdings")
    sakura = fake_loop.person("sakura", "Sakura Tanaka")
    other_browser.force_login(hana)
    link(other_browser, fake_loop, sakura)
    hanas_tokens = live_refresh_tokens(fake_loop, sakura)
    client.force_login(business_account)
    speak(client, language)

    response = authorize(client, fake_loop, start_link(client), sakura)

    html = assert_refused(response, ErrorCode.LINK_ALREADY_LINKED, PERSONAL, language)
    assert "hana.biz@example.com" not in html and "Hana Holdings" not in html
    assert f'<form method="post" action="{LINK_START}">' in html  # free to link another
    assert LoopLink.objects.get(open_id="open-sakura").account == hana
    assert not LoopLink.objects.filter(account=business_account).exists()
    assert refusals(business_account) == ["link.already_linked"]
    fresh = live_refresh_tokens(fake_loop, sakura) - hanas_tokens
    assert len(fresh) == 1
    assert fake_loop.revoked == []  # the worker revokes, not the request

    run_tasks()

    assert fake_loop.revoked == list(fresh)
    assert live_refresh_tokens(fake_loop, sakura) == hanas_tokens  # hana's link keeps working


# -- link.business_has_link ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_account_with_a_link_cannot_start_another(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop, language: str
) -> None:
    link(signed_in, fake_loop, fake_loop.person("sakura"))
    speak(signed_in, language)

    response = signed_in.post(LINK_START, follow=True)

    assert response.redirect_chain == [(PERSONAL, 302)]  # not to Loop
    assert_refused(response, ErrorCode.LINK_BUSINESS_HAS_LINK, PERSONAL, language)
    assert "flow:loop" not in signed_in.session
    assert LoopLink.objects.get(account=business_account).open_id == "open-sakura"


def test_a_link_made_in_another_tab_meanwhile_is_kept(
    signed_in: Any, other_browser: Any, business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    sakura, hana = fake_loop.person("sakura"), fake_loop.person("hana")
    query = start_link(signed_in)
    other_browser.force_login(business_account)
    link(other_browser, fake_loop, hana)  # finished first, somewhere else

    response = authorize(signed_in, fake_loop, query, sakura)

    assert_refused(response, ErrorCode.LINK_BUSINESS_HAS_LINK, PERSONAL)
    assert LoopLink.objects.get(account=business_account).open_id == "open-hana"
    assert not LoopLink.objects.filter(open_id="open-sakura").exists()
    assert refusals(business_account) == ["link.business_has_link"]
    (fresh,) = live_refresh_tokens(fake_loop, sakura)
    run_tasks()
    assert fake_loop.revoked == [fresh]
    assert live_refresh_tokens(fake_loop, hana)  # the kept link's grant is untouched


# -- link.session_expired -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source", ["link", "login", "signup"])
@pytest.mark.parametrize("state", [None, "", "forged-state-0123456789"], ids=["missing", "empty", "wrong"])
def test_a_callback_without_the_flow_state_is_refused(
    client: Any,
    business_account: Any,
    fake_loop: FakeLoop,
    source: str,
    language: str,
    state: str | None,
) -> None:
    speak(client, language)
    begin(client, business_account, source)
    params = {"code": fake_loop.code_for(fake_loop.person("sakura"))}
    if state is not None:
        params["state"] = state

    response = client.get(CALLBACK, params, follow=True)

    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, PAGES[source], language)
    assert fake_loop.token_requests == []  # the code was never used
    assert not LoopLink.objects.exists()


@pytest.mark.parametrize("signed_in_browser", [True, False], ids=["signed_in", "signed_out"])
def test_a_callback_in_a_browser_that_started_nothing_is_refused(
    client: Any,
    other_browser: Any,
    business_account: Any,
    make_business_account: Any,
    fake_loop: FakeLoop,
    signed_in_browser: bool,
) -> None:
    """Someone else's callback URL (login CSRF): the victim's browser has no flow, so nothing happens."""
    attacker = HttpClient()
    attacker.force_login(business_account)
    query = start_link(attacker)
    victim = other_browser
    if signed_in_browser:
        victim.force_login(make_business_account(email="victim@example.com"))
    accounts = business_accounts()

    response = authorize(victim, fake_loop, query, fake_loop.person("sakura"))

    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, PERSONAL if signed_in_browser else LOGIN)
    assert fake_loop.token_requests == []
    assert not LoopLink.objects.exists()
    assert business_accounts() == accounts


def test_a_state_from_another_browser_does_not_match_this_one(
    client: Any, other_browser: Any, business_account: Any, make_business_account: Any, fake_loop: FakeLoop
) -> None:
    attacker_query = begin(other_browser, make_business_account(email="mallory@example.com"), "link")
    begin(client, business_account, "link")

    response = authorize(client, fake_loop, attacker_query, fake_loop.person("mallory"))

    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, PERSONAL)
    assert not LoopLink.objects.exists()


@pytest.mark.parametrize("source", ["link", "login", "signup"])
def test_a_flow_older_than_thirty_minutes_has_expired(
    client: Any, business_account: Any, fake_loop: FakeLoop, source: str
) -> None:
    started = timezone.now()
    with time_machine.travel(started, tick=False):
        query = begin(client, business_account, source)
    with time_machine.travel(started + timedelta(minutes=31), tick=False):
        response = authorize(client, fake_loop, query, fake_loop.person("sakura"))
    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, PAGES[source])
    assert fake_loop.token_requests == []
    assert not LoopLink.objects.exists()


def test_a_flow_of_twenty_nine_minutes_still_links(client: Any, business_account: Any, fake_loop: FakeLoop) -> None:
    started = timezone.now()
    with time_machine.travel(started, tick=False):
        query = begin(client, business_account, "link")
    with time_machine.travel(started + timedelta(minutes=29), tick=False):
        response = authorize(client, fake_loop, query, fake_loop.person("sakura"))
    assert response.request["PATH_INFO"] == PERSONAL
    assert 'data-error-code="' not in response.content.decode()
    assert LoopLink.objects.get().account == business_account


def test_a_callback_completes_once(signed_in: Any, business_account: Any, fake_loop: FakeLoop) -> None:
    query = start_link(signed_in)
    code = fake_loop.code_for(fake_loop.person("sakura"))
    assert come_back(signed_in, query, code=code).request["PATH_INFO"] == PERSONAL
    link_row = LoopLink.objects.get(account=business_account)
    exchanges = len(fake_loop.token_requests)

    again = come_back(signed_in, query, code=code)

    assert_refused(again, ErrorCode.LINK_SESSION_EXPIRED, PERSONAL)
    assert len(fake_loop.token_requests) == exchanges  # the code is not sent to Loop a second time
    assert LoopLink.objects.get(account=business_account).sealed_refresh_token == link_row.sealed_refresh_token


def test_a_refused_callback_cannot_be_replayed_either(client: Any, business_account: Any, fake_loop: FakeLoop) -> None:
    query = start_continue(client, "login")
    assert_refused(come_back(client, query, error="access_denied"), ErrorCode.LINK_CONSENT_DENIED, LOGIN)
    response = authorize(client, fake_loop, query, fake_loop.person("sakura"))
    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, LOGIN)
    assert not LoopLink.objects.exists()


@pytest.mark.parametrize("source", ["link", "login", "signup"])
@pytest.mark.parametrize(
    "params",
    [{}, {"code": ""}, {"code": "not-a-code-loop-issued"}, {"error": "invalid_request"}],
    ids=["no_code", "empty_code", "unknown_code", "oauth_error"],
)
def test_a_callback_that_cannot_be_completed_asks_to_start_again(
    client: Any, business_account: Any, fake_loop: FakeLoop, source: str, params: dict[str, str]
) -> None:
    accounts = business_accounts()
    query = begin(client, business_account, source)
    response = come_back(client, query, **params)
    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, PAGES[source])
    assert not LoopLink.objects.exists()
    assert business_accounts() == accounts


def test_a_code_loop_no_longer_honours_asks_to_start_again(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop
) -> None:
    """Loop answers invalid_grant (a used or expired code): nothing to link, start again."""
    query = start_link(signed_in)
    code = fake_loop.code_for(fake_loop.person("sakura"))
    fake_loop.codes.pop(code)  # already used at Loop

    response = come_back(signed_in, query, code=code)

    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, PERSONAL)
    assert fake_loop.token_requests[-1]["code"] == code
    assert not LoopLink.objects.exists()


# -- link.provider_unavailable ------------------------------------------------------------------


def break_loop(fake_loop: FakeLoop, failure: str) -> None:
    token_url, user_url = f"{LOOP}/v2/oauth/token/", f"{LOOP}/v2/user/info/"
    if failure == "down":
        fake_loop.down = True
    elif failure == "token_500":
        fake_loop.mock.replace(responses.POST, token_url, body="<h1>Internal Server Error</h1>", status=500)
    elif failure == "token_503_json":
        fake_loop.mock.replace(
            responses.POST, token_url, json={"error": "temporarily_unavailable", "log_id": "x"}, status=503
        )
    elif failure == "token_timeout":
        fake_loop.mock.replace(responses.POST, token_url, body=requests.Timeout("read timed out"))
    elif failure == "token_not_json":
        fake_loop.mock.replace(responses.POST, token_url, body="<html>captive portal</html>", status=200)
    elif failure == "user_info_500":
        fake_loop.mock.replace(responses.GET, user_url, body="oops", status=500)
    elif failure == "user_info_down":
        fake_loop.mock.replace(responses.GET, user_url, body=requests.ConnectionError("connection reset"))
    else:
        raise AssertionError(failure)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source", ["link", "login", "signup"])
@pytest.mark.parametrize(
    "failure",
    ["down", "token_500", "token_503_json", "token_timeout", "token_not_json", "user_info_500", "user_info_down"],
)
def test_an_unreachable_loop_is_explained_not_a_server_error(
    client: Any, business_account: Any, fake_loop: FakeLoop, source: str, failure: str, language: str
) -> None:
    speak(client, language)
    accounts = business_accounts()
    query = begin(client, business_account, source)
    break_loop(fake_loop, failure)

    response = authorize(client, fake_loop, query, fake_loop.person("sakura"))

    assert_refused(response, ErrorCode.LINK_PROVIDER_UNAVAILABLE, PAGES[source], language)
    assert not LoopLink.objects.exists()
    assert business_accounts() == accounts
    assert ("_auth_user_id" in client.session) == (source == "link")


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        ("user_info_500", ErrorCode.LINK_PROVIDER_UNAVAILABLE),
        ("user_info_down", ErrorCode.LINK_PROVIDER_UNAVAILABLE),
        ("user_info_refused", ErrorCode.LINK_SESSION_EXPIRED),
    ],
)
def test_tokens_issued_before_loop_failed_are_revoked(
    signed_in: Any, fake_loop: FakeLoop, run_tasks: Any, failure: str, code: ErrorCode
) -> None:
    """No grant is left behind at Loop for a link that was never made (both sides agree)."""
    sakura = fake_loop.person("sakura")
    query = start_link(signed_in)
    if failure == "user_info_refused":
        fake_loop.mock.replace(
            responses.GET, f"{LOOP}/v2/user/info/", json={"error": "invalid_token", "log_id": "x"}, status=401
        )
    else:
        break_loop(fake_loop, failure)
    response = authorize(signed_in, fake_loop, query, sakura)
    assert_refused(response, code, PERSONAL)
    assert not LoopLink.objects.exists()
    (issued,) = live_refresh_tokens(fake_loop, sakura)

    run_tasks()

    assert fake_loop.revoked == [issued]


@pytest.mark.parametrize("source", ["link", "login", "signup"])
def test_without_a_registered_client_loop_is_unavailable(
    client: Any, business_account: Any, fake_loop: FakeLoop, settings: Any, source: str
) -> None:
    settings.ACCOUNTLINK_LOOP_CLIENT_KEY = ""
    if source == "link":
        client.force_login(business_account)
        response = client.post(LINK_START, follow=True)
    else:
        response = client.post(CONTINUE, {"source": source}, follow=True)
    assert_refused(response, ErrorCode.LINK_PROVIDER_UNAVAILABLE, PAGES[source])
    assert "flow:loop" not in client.session


def test_after_a_refusal_linking_works_on_the_next_try(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop
) -> None:
    query = start_link(signed_in)
    assert_refused(come_back(signed_in, query, error="access_denied"), ErrorCode.LINK_CONSENT_DENIED, PERSONAL)
    link(signed_in, fake_loop, fake_loop.person("sakura"))
    assert LoopLink.objects.get(account=business_account).username == "sakura"
    assert not AuditEvent.objects.filter(account=business_account, kind=EventKind.LOOP_LINK_REFUSED).exists()
