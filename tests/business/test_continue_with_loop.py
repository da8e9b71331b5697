"""**Continue with Loop** on the log in and sign up pages (DESIGN §4.4), over HTTP against a fake Loop.

A Loop account that is linked logs in to its business account; one that is not is asked what to do
(``test_continue_with_loop_choice``): with **Create a new business account** it gets a new business
account, linked, and is asked (not forced) to add an email or phone number.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import ErrorCode
from tests.business.fake_loop import FakeLoop, live_refresh_tokens
from tests.business.link_refusals import assert_refused
from tests.business.pages import (
    ADS_MANAGER,
    CALLBACK,
    CHOOSE,
    CONTINUE,
    LOGIN,
    PERSONAL,
    SIGNUP,
    authorize,
    choose,
    continue_as_new,
    log_in,
    start_continue,
)

pytestmark = pytest.mark.django_db

ASK_FOR_A_CONTACT = (
    "Your business account is ready and linked to @aiko. Add an email or phone number so you can also log in "
    "without Loop and get back in if you ever lose access."
)


def session_user(client: Any) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


# -- the button ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "source"), [(LOGIN, "login"), (SIGNUP, "signup")])
def test_log_in_and_sign_up_offer_continue_with_loop(client: Any, page: str, source: str) -> None:
    html = client.get(page).content.decode()
    assert f'<form method="post" action="{CONTINUE}">' in html
    assert f'<input type="hidden" name="source" value="{source}">' in html
    assert "Continue with Loop</button>" in html


def test_continue_with_loop_starts_only_by_post(client: Any, fake_loop: FakeLoop) -> None:
    assert client.get(CONTINUE).status_code == 405
    assert "flow:loop" not in client.session


def test_continue_with_loop_needs_the_csrf_token_of_the_page(fake_loop: FakeLoop) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.get(LOGIN)
    assert browser.post(CONTINUE, {"source": "login"}).status_code == 403
    assert "flow:loop" not in browser.session
    token = browser.cookies["lfb_csrftoken"].value
    started = browser.post(CONTINUE, {"source": "login", "csrfmiddlewaretoken": token})
    assert started.status_code == 302
    assert started["Location"].startswith("https://loop.test/v2/auth/authorize/?")


def test_continue_with_loop_asks_loop_for_the_same_grant_as_linking(client: Any, fake_loop: FakeLoop) -> None:
    query = start_continue(client)
    assert query["client_key"] == query["client_id"] == "test-client-key"
    assert query["scope"] == "user.info.basic,user.info.profile"
    assert query["redirect_uri"] == "http://testserver/oauth/loop/callback/"
    assert query["code_challenge_method"] == "S256"
    assert query["state"] == client.session["flow:loop"]["state"]
    assert client.session["flow:loop"]["purpose"] == "login"


def test_a_signed_in_browser_goes_straight_to_ads_manager(signed_in: Any, fake_loop: FakeLoop) -> None:
    response = signed_in.post(CONTINUE, {"source": "login"})
    assert response.status_code == 302
    assert response["Location"] == ADS_MANAGER
    assert "flow:loop" not in signed_in.session


# -- a linked Loop account logs in ---------------------------------------------------------------


@pytest.mark.parametrize("source", ["login", "signup"])
def test_a_linked_loop_account_logs_in_to_its_business_account(
    client: Any, linked_account: BusinessAccount, fake_loop: FakeLoop, run_tasks: Any, source: str
) -> None:
    sakura = fake_loop.access_tokens[LoopLink.objects.get(account=linked_account).access_token]
    before = LoopLink.objects.get(account=linked_account)
    old_refresh = before.refresh_token
    accounts = BusinessAccount.objects.count()
    query = start_continue(client, source)
    session_before = client.cookies["lfb_session"].value
    sakura.display_name = "Sakura Tanaka-Mori"

    response = authorize(client, fake_loop, query, sakura)

    assert response.redirect_chain == [(ADS_MANAGER, 302)]
    assert response.status_code == 200
    assert "Ads Manager" in response.content.decode()
    assert session_user(client) == linked_account.pk
    assert client.cookies["lfb_session"].value != session_before  # the session rotates on login
    assert BusinessAccount.objects.count() == accounts
    after = LoopLink.objects.get(account=linked_account)
    assert after.pk == before.pk and after.linked_at == before.linked_at
    assert after.refresh_token != old_refresh and after.access_token != before.access_token
    assert after.display_name == "Sakura Tanaka-Mori"
    assert AuditEvent.objects.filter(account=linked_account, kind=EventKind.LOGIN).exists()
    assert old_refresh not in fake_loop.revoked  # the worker revokes, not the request

    run_tasks()

    assert fake_loop.revoked == [old_refresh]
    assert live_refresh_tokens(fake_loop, sakura) == {after.refresh_token}  # the new grant keeps working
    assert "@sakura" in client.get(PERSONAL).content.decode()


def test_logging_in_with_loop_does_not_announce_a_new_link(
    client: Any, linked_account: BusinessAccount, fake_loop: FakeLoop, sent: Any, run_tasks: Any
) -> None:
    run_tasks()
    already = len(sent.messages())
    authorize(client, fake_loop, start_continue(client), fake_loop.person("sakura"))
    run_tasks()
    # Only the security alert for a login from a browser never seen on the account (kit.sessions).
    new = sent.messages()[already:]
    assert {message.subject for message in new if message.channel == "email"} <= {
        "New login to your Loop for Business account"
    }
    assert all("new login" in message.body for message in new if message.channel == "sms")
    assert AuditEvent.objects.filter(account=linked_account, kind=EventKind.LOOP_LINKED).count() == 1


def test_a_browser_that_logged_in_meanwhile_is_not_switched_to_another_account(
    client: Any, linked_account: BusinessAccount, make_business_account: Any, fake_loop: FakeLoop
) -> None:
    hana = make_business_account(email="hana.biz@example.com")
    query = start_continue(client)
    assert log_in(client, "hana.biz@example.com").status_code == 302
    exchanges = len(fake_loop.token_requests)

    response = authorize(client, fake_loop, query, fake_loop.person("sakura"))

    assert response.request["PATH_INFO"] == ADS_MANAGER
    assert session_user(client) == hana.pk
    assert len(fake_loop.token_requests) == exchanges  # the code was not used


# -- an unlinked Loop account chooses Create a new business account -----------------------------


@pytest.mark.parametrize("source", ["login", "signup"])
def test_an_unlinked_loop_account_gets_a_new_linked_business_account(
    client: Any, fake_loop: FakeLoop, sent: Any, run_tasks: Any, source: str
) -> None:
    accounts = BusinessAccount.objects.count()
    aiko = fake_loop.person("aiko", "Aiko Mori")

    asked = authorize(client, fake_loop, start_continue(client, source), aiko)
    assert asked.redirect_chain == [(CHOOSE, 302)]
    assert BusinessAccount.objects.count() == accounts  # nothing is made before the person chooses
    response = choose(client, "create")

    assert response.redirect_chain == [(PERSONAL, 302)]
    assert BusinessAccount.objects.count() == accounts + 1
    account = BusinessAccount.objects.get(loop_link__open_id="open-aiko")
    assert account.email is None and account.phone is None
    assert not account.has_usable_password()
    assert account.display_name == "Aiko Mori"
    assert account.language == "en"
    assert account.is_active
    assert session_user(client) == account.pk
    page = response.content.decode()
    assert f'role="status">{ASK_FOR_A_CONTACT}</div>' in page.replace("&#x27;", "'")
    assert "Add email" in page and "Add phone number" in page and "Set a password" in page
    assert "<strong>Aiko Mori</strong>" in page and "@aiko" in page and "Linked since" in page
    kinds = set(AuditEvent.objects.filter(account=account).values_list("kind", flat=True))
    assert {EventKind.ACCOUNT_CREATED, EventKind.LOOP_LINKED, EventKind.LOGIN} <= kinds
    assert AuditEvent.objects.get(account=account, kind=EventKind.ACCOUNT_CREATED).data == {"via": "loop"}
    # Asked, not forced: the rest of the product works without a contact.
    assert client.get(ADS_MANAGER).status_code == 200
    assert ASK_FOR_A_CONTACT not in client.get(PERSONAL).content.decode().replace("&#x27;", "'")
    run_tasks()
    assert sent.messages() == []  # nobody to tell yet


@pytest.mark.parametrize("language", ["ja", "es"])
def test_the_new_account_speaks_the_language_of_the_request(client: Any, fake_loop: FakeLoop, language: str) -> None:
    query = start_continue(client, HTTP_ACCEPT_LANGUAGE=language)
    client.get(
        CALLBACK,
        {"state": query["state"], "code": fake_loop.code_for(fake_loop.person("aiko", "Aiko Mori"))},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    choose(client, "create", HTTP_ACCEPT_LANGUAGE=language)
    assert BusinessAccount.objects.get(loop_link__open_id="open-aiko").language == language


def test_the_language_cookie_chooses_the_new_account_language(client: Any, fake_loop: FakeLoop) -> None:
    client.cookies["lfb_language"] = "ja"
    response = continue_as_new(client, fake_loop, fake_loop.person("aiko", "Aiko Mori"))
    assert BusinessAccount.objects.get(loop_link__open_id="open-aiko").language == "ja"
    page = response.content.decode()
    assert '<html lang="ja">' in page
    assert (
        "ビジネスアカウントの準備ができ、@aikoと連携されました。Loopを使わずにログインしたり、"
        "アクセスできなくなったときにアカウントを復旧したりできるように、メールアドレスまたは電話番号を追加してください。"
    ) in page


def test_a_long_loop_display_name_fits_the_business_account(client: Any, fake_loop: FakeLoop) -> None:
    name = "Aiko " + "Mori" * 20
    continue_as_new(client, fake_loop, fake_loop.person("aiko", name))
    account = BusinessAccount.objects.get(loop_link__open_id="open-aiko")
    assert account.display_name == name[:60]
    assert LoopLink.objects.get(account=account).display_name == name


def test_the_new_account_logs_in_with_loop_again_later(client: Any, fake_loop: FakeLoop) -> None:
    aiko = fake_loop.person("aiko", "Aiko Mori")
    continue_as_new(client, fake_loop, aiko)
    account = BusinessAccount.objects.get(loop_link__open_id="open-aiko")
    client.post("/logout/")
    assert session_user(client) is None

    response = authorize(client, fake_loop, start_continue(client, "signup"), aiko)

    assert response.request["PATH_INFO"] == ADS_MANAGER
    assert session_user(client) == account.pk
    assert BusinessAccount.objects.filter(loop_link__isnull=False).count() == 1


def test_the_new_account_adds_a_phone_without_a_password(
    client: Any, fake_loop: FakeLoop, sent: Any, run_tasks: Any
) -> None:
    continue_as_new(client, fake_loop, fake_loop.person("aiko", "Aiko Mori"))
    account = BusinessAccount.objects.get(loop_link__open_id="open-aiko")
    form = client.get("/settings/personal/phone/").content.decode()
    assert "Add phone number" in form and "Current password" not in form

    asked = client.post("/settings/personal/phone/", {"value": "+81 90 1111 2222"})

    assert asked.status_code == 302
    assert asked["Location"] == "/settings/personal/phone/verify/"
    run_tasks()
    assert sent.last("+819011112222").channel == "sms"
    confirmed = client.post("/settings/personal/phone/verify/", {"code": sent.code_for("+819011112222")}, follow=True)
    assert confirmed.request["PATH_INFO"] == PERSONAL
    account.refresh_from_db()
    assert account.phone == "+819011112222"
    assert "+819011112222" in confirmed.content.decode()
    assert LoopLink.objects.filter(account=account).exists()


def test_a_loop_account_linked_while_its_account_was_being_created_is_refused(
    client: Any,
    linked_account: BusinessAccount,
    fake_loop: FakeLoop,
    run_tasks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lookup said "not linked", but a link committed before our insert: R1 holds, no orphan account."""
    monkeypatch.setattr(
        "accountlink.business.linking.views.callback.do_log_in_with_loop", lambda identity, tokens: None
    )
    sakura = fake_loop.access_tokens[LoopLink.objects.get(account=linked_account).access_token]
    kept = live_refresh_tokens(fake_loop, sakura)
    accounts = BusinessAccount.objects.count()

    response = continue_as_new(client, fake_loop, sakura, "signup")

    assert_refused(response, ErrorCode.LINK_ALREADY_LINKED, SIGNUP)
    assert BusinessAccount.objects.count() == accounts
    assert session_user(client) is None
    assert LoopLink.objects.get(open_id="open-sakura").account == linked_account
    (fresh,) = live_refresh_tokens(fake_loop, sakura) - kept
    run_tasks()
    assert fake_loop.revoked == [fresh]


def test_a_loop_account_whose_link_ended_may_get_a_new_account_with_continue_with_loop(
    client: Any, linked_account: BusinessAccount, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    """Its old business account is not logged in to: the link, not a past link, decides (the old
    account keeps its password and contacts, so the choice page offers no "link again")."""
    sakura = fake_loop.access_tokens[LoopLink.objects.get(account=linked_account).access_token]
    LoopLink.objects.filter(account=linked_account).delete()  # as an unlink from Loop's side would

    response = continue_as_new(client, fake_loop, sakura)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/settings/personal/"
    new_account = session_user(client)
    assert new_account is not None and new_account != linked_account.pk
    assert LoopLink.objects.get(open_id="open-sakura").account_id == new_account
