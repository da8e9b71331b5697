"""The consent screen a Loop account holder sees when an app asks for access (R4, R5, R7, R8)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone, translation

from accountlink.consumer.accounts import actions as account_actions
from accountlink.consumer.accounts.models import AccountType
from accountlink.consumer.oauth.models import AppPermission
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import (
    REDIRECT_URI,
    authorize_url,
    consent,
    exchange,
    introspect,
    issue_tokens,
    logged_in,
    query_of,
    refresh,
    register,
    revoke,
    user_info,
)

pytestmark = pytest.mark.django_db

AUTHORIZED_SUBJECT = "Loop for Business can now access your Loop account"


def refusal(response: Any, state: str) -> dict[str, str]:
    """The query of a redirect back to the client that carries an error and no code."""
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI + "?")
    query = query_of(response["Location"])
    assert "code" not in query
    assert query["state"] == state
    return query


# -- logging in first ------------------------------------------------------------------------------


def test_an_anonymous_visitor_logs_in_and_lands_back_on_the_consent_page(client: HttpClient, loop_account: Any) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id)

    to_login = client.get(auth.url)

    assert to_login.status_code == 302
    login_url = urlsplit(to_login["Location"])
    assert login_url.path == "/login/"
    assert parse_qs(login_url.query)["next"] == [auth.url]
    login_page = client.get(to_login["Location"])
    assert login_page.status_code == 200
    assert f'name="next" value="{auth.url}"'.replace("&", "&amp;") in login_page.content.decode()

    logged_in = client.post(to_login["Location"], {"identifier": "sakura", "password": PASSWORD, "next": auth.url})

    assert logged_in.status_code == 302
    assert logged_in["Location"] == auth.url
    page = client.get(logged_in["Location"])
    assert page.status_code == 200
    assert b'name="authorize"' in page.content
    approved = client.post(auth.url, {"authorize": "1"})
    assert "code" in query_of(approved["Location"])


def test_an_anonymous_post_grants_nothing(client: HttpClient, loop_account: Any) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id)
    response = client.post(auth.url, {"authorize": "1"})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/login/"
    assert not AppPermission.objects.exists()


# -- what the page shows ---------------------------------------------------------------------------


def test_the_consent_page_names_the_app_the_account_and_what_it_will_see(browser: HttpClient) -> None:
    registered = register()

    page = browser.get(authorize_url(registered.client.client_id).url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Loop for Business would like to access your Loop account" in html
    assert "@sakura" in html
    assert "<li>Your name and profile photo</li>" in html
    assert "<li>Your username</li>" in html
    assert "business.example" in html
    assert 'name="authorize"' in html and ">Authorize</button>" in html
    assert 'name="cancel"' in html and ">Cancel</button>" in html
    assert not AppPermission.objects.exists()  # looking is not agreeing


def test_the_consent_page_lists_only_the_scopes_asked_for(browser: HttpClient) -> None:
    registered = register()
    html = browser.get(authorize_url(registered.client.client_id, scope="user.info.basic").url).content.decode()
    assert "Your name and profile photo" in html
    assert "Your username" not in html


def test_the_consent_page_cannot_be_framed_or_cached(browser: HttpClient) -> None:
    registered = register()
    page = browser.get(authorize_url(registered.client.client_id).url)
    assert page["X-Frame-Options"] == "DENY"
    assert "no-store" in page["Cache-Control"]


def test_the_app_name_is_escaped(browser: HttpClient) -> None:
    registered = register(name="<script>alert(1)</script>")
    html = browser.get(authorize_url(registered.client.client_id).url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("language", "how"),
    [("ja", "header"), ("es", "header"), ("ja", "cookie"), ("es", "cookie")],
)
def test_the_consent_page_speaks_the_holders_language(browser: HttpClient, language: str, how: str) -> None:
    registered = register()
    url = authorize_url(registered.client.client_id).url
    if how == "cookie":
        browser.cookies["loop_language"] = language
        page = browser.get(url)
    else:
        page = browser.get(url, HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    assert {"ja": ">キャンセル</button>", "es": ">Cancelar</button>"}[language] in html
    with translation.override(language):
        for text in ("Your name and profile photo", "Your username", "Authorize"):
            assert translation.gettext(text) in html


# -- Authorize and Cancel --------------------------------------------------------------------------


def test_cancel_sends_the_holder_back_with_access_denied_and_the_state(browser: HttpClient) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id)

    response = browser.post(auth.url, {"cancel": "1"})

    assert refusal(response, auth.state)["error"] == "access_denied"
    assert not AppPermission.objects.exists()


def test_authorize_sends_the_holder_back_with_a_code_and_the_state(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id)

    response = browser.post(auth.url, {"authorize": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI + "?")
    query = query_of(response["Location"])
    assert query["state"] == auth.state and query["code"]
    assert "error" not in query
    # The app has access once it redeems the code, not before (an app that never comes back never had any).
    assert not AppPermission.objects.filter(account=loop_account).exists()
    assert exchange(HttpClient(), registered, query["code"], auth.verifier).status_code == 200
    permission = AppPermission.objects.get(account=loop_account, client=registered.client)
    assert permission.scopes == "user.info.basic,user.info.profile"


def test_a_second_authorization_with_granted_scopes_skips_the_consent_screen(browser: HttpClient) -> None:
    registered = register()
    issue_tokens(browser, registered)
    auth = authorize_url(registered.client.client_id)

    response = browser.get(auth.url)

    assert response.status_code == 302
    query = query_of(response["Location"])
    assert query["state"] == auth.state
    assert exchange(HttpClient(), registered, query["code"], auth.verifier).status_code == 200


def test_fewer_scopes_than_granted_also_skip_the_consent_screen(browser: HttpClient) -> None:
    registered = register()
    issue_tokens(browser, registered)
    response = browser.get(authorize_url(registered.client.client_id, scope="user.info.basic").url)
    assert response.status_code == 302 and "code" in query_of(response["Location"])


def test_asking_for_more_scopes_shows_the_consent_screen_again(
    browser: HttpClient, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    registered = register()
    issue_tokens(browser, registered, scope="user.info.basic")

    page = browser.get(authorize_url(registered.client.client_id).url)

    assert page.status_code == 200
    auth, query = consent(browser, registered)
    tokens = exchange(HttpClient(), registered, query["code"], auth.verifier).json()
    assert tokens["scope"] == "user.info.basic,user.info.profile"
    assert AppPermission.objects.get(account=loop_account).scopes == "user.info.basic,user.info.profile"
    run_tasks()
    assert [m.subject for m in sent.messages(to="sakura@example.com")] == [AUTHORIZED_SUBJECT, AUTHORIZED_SUBJECT]


def test_after_the_app_loses_access_the_consent_screen_is_shown_again(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    revoke(registered, tokens["access_token"])
    assert browser.get(authorize_url(registered.client.client_id).url).status_code == 200


# -- notifications and audit (R7, R8) ---------------------------------------------------------------


def test_the_first_authorization_notifies_the_holder_on_every_contact(
    browser: HttpClient, sent: Any, run_tasks: Any
) -> None:
    registered = register()

    issue_tokens(browser, registered)
    run_tasks()

    emails = sent.messages(to="sakura@example.com")
    assert [message.subject for message in emails] == [AUTHORIZED_SUBJECT]
    assert "You gave Loop for Business access to your Loop account" in emails[0].body
    texts = sent.messages(to="+819012345678")
    assert len(texts) == 1 and texts[0].channel == "sms"
    assert "Loop for Business" in texts[0].body

    issue_tokens(browser, registered)
    run_tasks()
    assert len(sent.messages(to="sakura@example.com")) == 1  # nothing new was granted


def test_nothing_is_sent_or_audited_when_the_holder_cancels(
    browser: HttpClient, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    registered = register()
    browser.post(authorize_url(registered.client.client_id).url, {"cancel": "1"})
    run_tasks()
    assert sent.messages(to="sakura@example.com") == []
    assert not AuditEvent.objects.filter(account=loop_account, kind=EventKind.APP_AUTHORIZED).exists()


def test_authorizing_writes_an_audit_event_the_holder_sees_in_security_activity(
    browser: HttpClient, loop_account: Any
) -> None:
    registered = register()

    issue_tokens(browser, registered)
    issue_tokens(browser, registered)

    event = AuditEvent.objects.get(account=loop_account, kind="oauth.app_authorized")
    assert event.actor == loop_account
    assert event.data["client"] == "Loop for Business"
    assert event.data["scopes"] == ["user.info.basic", "user.info.profile"]
    activity = browser.get("/settings/security/activity/").content.decode()
    assert "App given access to your account" in activity


def test_an_app_that_never_redeems_its_code_never_has_access(
    browser: HttpClient, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    """Consent alone grants nothing: if the app (or the browser on its way back) never reaches the token
    endpoint, Manage app permissions lists nothing, the holder is told nothing, and no webhook is owed."""
    registered = register()

    consent(browser, registered)
    run_tasks()

    assert not AppPermission.objects.filter(account=loop_account).exists()
    assert registered.client.name not in browser.get("/settings/security/apps/").content.decode()
    assert sent.messages(to="sakura@example.com") == []
    assert not AuditEvent.objects.filter(account=loop_account, kind="oauth.app_authorized").exists()


# -- who may link (R4) -----------------------------------------------------------------------------

TODAY = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("birth_date", "allowed"),
    [(date(2007, 6, 16), False), (date(2010, 1, 1), False), (date(2007, 6, 15), True), (date(1990, 1, 1), True)],
)
def test_only_holders_aged_18_or_over_may_authorize(make_loop_account: Any, birth_date: date, allowed: bool) -> None:
    with time_machine.travel(TODAY, tick=False):
        registered = register()
        account = make_loop_account(birth_date=birth_date)
        browser = logged_in(account)
        auth = authorize_url(registered.client.client_id)

        shown = browser.get(auth.url)
        pressed = browser.post(auth.url, {"authorize": "1"})

    if allowed:
        assert shown.status_code == 200
        assert "code" in query_of(pressed["Location"])
    else:
        for response in (shown, pressed):
            query = refusal(response, auth.state)
            assert query["error"] == "access_denied"
            assert query["error_code"] == "link.age_requirement"
        assert not AppPermission.objects.exists()


def test_a_holder_who_is_under_18_gets_no_tokens_from_an_earlier_code(make_loop_account: Any) -> None:
    """The age is checked again when the code is redeemed, not only on the consent screen."""
    registered = register()
    account = make_loop_account(birth_date=date(1990, 1, 1))
    auth, query = consent(logged_in(account), registered)
    today = timezone.localdate()
    type(account).objects.filter(pk=account.pk).update(birth_date=date(today.year - 17, today.month, 1))

    response = exchange(HttpClient(), registered, query["code"], auth.verifier)

    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_suspended_account_cannot_reach_the_consent_screen(client: HttpClient, loop_account: Any) -> None:
    registered = register()
    client.force_login(loop_account)
    account_actions.do_suspend_account(loop_account, reason="review")
    auth = authorize_url(registered.client.client_id)

    for response in (client.get(auth.url), client.post(auth.url, {"authorize": "1"})):
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == "/login/"

    login = client.post(f"/login/?next={auth.url}", {"identifier": "sakura", "password": PASSWORD})
    assert b'data-error-code="login.suspended"' in login.content
    assert not AppPermission.objects.exists()


def test_a_code_issued_before_a_suspension_cannot_be_redeemed(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    auth, query = consent(browser, registered)
    account_actions.do_suspend_account(loop_account, reason="review")

    response = exchange(HttpClient(), registered, query["code"], auth.verifier)

    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_suspended_accounts_tokens_stop_working(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    account_actions.do_suspend_account(loop_account, reason="review")

    assert introspect(registered, tokens["access_token"]) == {"active": False}
    assert introspect(registered, tokens["refresh_token"]) == {"active": False}
    assert user_info(tokens["access_token"]).status_code == 401
    assert refresh(registered, tokens["refresh_token"]).json()["error"] == "invalid_grant"


# -- account type (R5) -------------------------------------------------------------------------------


def test_a_linked_account_cannot_switch_to_organization(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    issue_tokens(browser, registered)

    response = browser.post("/settings/account/", {"account_type": "organization"})

    assert response.status_code == 200
    assert b'data-error-code="account.type_linked"' in response.content
    loop_account.refresh_from_db()
    assert loop_account.account_type == AccountType.PERSONAL
    assert not AuditEvent.objects.filter(account=loop_account, kind=EventKind.ACCOUNT_TYPE_CHANGED).exists()


def test_a_linked_account_may_still_switch_to_business(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    consent(browser, registered)

    response = browser.post("/settings/account/", {"account_type": "business"})

    assert response.status_code == 302
    loop_account.refresh_from_db()
    assert loop_account.account_type == AccountType.BUSINESS


def test_an_account_without_app_permissions_can_switch_to_organization(browser: HttpClient, loop_account: Any) -> None:
    response = browser.post("/settings/account/", {"account_type": "organization"})

    assert response.status_code == 302
    loop_account.refresh_from_db()
    assert loop_account.account_type == AccountType.ORGANIZATION


def test_once_the_app_loses_access_the_account_can_switch_to_organization(
    browser: HttpClient, loop_account: Any
) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    revoke(registered, tokens["refresh_token"])

    response = browser.post("/settings/account/", {"account_type": "organization"})

    assert response.status_code == 302
    loop_account.refresh_from_db()
    assert loop_account.account_type == AccountType.ORGANIZATION


def test_not_you_logs_out_and_comes_back_to_the_consent_screen_to_log_in_as_someone_else(
    client: Any, loop_account: Any
) -> None:
    registered = register()
    client.force_login(loop_account)
    auth = authorize_url(registered.client.client_id)
    page = client.get(auth.url)
    assert 'name="next"' in page.content.decode()

    response = client.post("/logout/", {"next": auth.url})

    assert response.status_code == 302
    assert response["Location"] == auth.url
    assert client.get(auth.url)["Location"].startswith("/login/?next=")
