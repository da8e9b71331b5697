"""**Continue with Loop** for a Loop account that is not linked (issue 17, DESIGN §4.4): after consent
the person chooses to create a new business account, to log in to an existing one and link it, or to
link again the account this Loop account was linked to before when nothing else can log in to it.

What Loop gave is held on the server for this browser only, for a short time and once; a choice that
fails, a Cancel and an abandoned choice all end with the tokens revoked at Loop.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.choice import (
    CHOICE_LIFETIME,
    do_hold_sign_in,
    do_take_held_sign_in,
    stranded_account,
)
from accountlink.business.linking.actions.reconciliation import do_end_link_removed_on_loop
from accountlink.business.linking.actions.unlink import do_end_link_by_staff
from accountlink.business.linking.models import HeldSignIn, LoopLink
from accountlink.business.linking.provider import LoopIdentity, TokenSet
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import CodedError, ErrorCode
from tests.business.fake_loop import FakeLoop, LoopPerson, live_refresh_tokens
from tests.business.link_refusals import assert_refused
from tests.business.pages import (
    ADS_MANAGER,
    CHOOSE,
    LOGIN,
    PASSWORD,
    PERSONAL,
    SIGNUP,
    authorize,
    callback_query,
    choose,
    log_in,
    start_continue,
)

pytestmark = pytest.mark.django_db


def session_user(client: Any) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def error_code(response: Any) -> str | None:
    found = re.search(rb'data-error-code="([^"]+)"', response.content)
    return found.group(1).decode() if found else None


def ask(client: Any, fake_loop: FakeLoop, person: LoopPerson, source: str = "login") -> Any:
    """Continue with Loop and Authorize on Loop: the browser ends on the choice page."""
    response = authorize(client, fake_loop, start_continue(client, source), person)
    assert response.redirect_chain == [(CHOOSE, 302)]
    assert response.status_code == 200
    return response


@pytest.fixture
def aiko(fake_loop: FakeLoop) -> LoopPerson:
    """@aiko (Aiko Mori) on Loop, linked to nothing."""
    return fake_loop.person("aiko", "Aiko Mori")


@pytest.fixture
def removed_on_loop(locked_out: BusinessAccount) -> BusinessAccount:
    """``locked_out`` (no email, phone or password) after its holder pressed Remove access on Loop."""
    do_end_link_removed_on_loop("open-kenji", reason=1, event_time=int(time.time()))
    assert not LoopLink.objects.filter(account=locked_out).exists()
    return locked_out


# -- the page ------------------------------------------------------------------------------------


def test_an_unlinked_loop_account_is_asked_and_nothing_is_made_yet(
    client: Any, fake_loop: FakeLoop, aiko: LoopPerson, run_tasks: Any
) -> None:
    accounts = BusinessAccount.objects.count()

    page = ask(client, fake_loop, aiko).content.decode()

    assert "Your Loop account @aiko isn't linked to a business account" in page
    assert 'name="choice" value="create"' in page and "Create a new business account" in page
    assert 'name="choice" value="log_in"' in page and "Log in to link an existing account" in page
    assert 'name="choice" value="cancel"' in page
    assert 'value="link_again"' not in page  # nothing to link again
    assert page.count("csrfmiddlewaretoken") >= 2
    assert BusinessAccount.objects.count() == accounts
    assert not LoopLink.objects.exists() and session_user(client) is None
    held = HeldSignIn.objects.get()
    assert held.open_id == "open-aiko" and held.key_hash not in str(dict(client.session))
    assert all(token not in held.sealed_refresh_token for token in live_refresh_tokens(fake_loop, aiko))  # sealed
    run_tasks()
    assert fake_loop.revoked == []  # held, not revoked, while the person chooses


def test_the_choice_page_is_not_cached_and_needs_the_csrf_token(fake_loop: FakeLoop, aiko: LoopPerson) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.get(LOGIN)
    token = browser.cookies["lfb_csrftoken"].value
    started = browser.post("/login/loop/", {"source": "login", "csrfmiddlewaretoken": token})
    page = authorize(browser, fake_loop, callback_query(started["Location"]), aiko)
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]

    assert browser.post(CHOOSE, {"choice": "create"}).status_code == 403
    assert HeldSignIn.objects.count() == 1 and not LoopLink.objects.exists()


# -- Create a new business account --------------------------------------------------------------


def test_create_a_new_business_account(client: Any, fake_loop: FakeLoop, aiko: LoopPerson, run_tasks: Any) -> None:
    ask(client, fake_loop, aiko)

    response = choose(client, "create")

    assert response.redirect_chain == [(PERSONAL, 302)]
    account = BusinessAccount.objects.get(loop_link__open_id="open-aiko")
    assert session_user(client) == account.pk and not account.has_usable_password()
    assert not HeldSignIn.objects.exists()
    run_tasks()
    assert fake_loop.revoked == []
    assert live_refresh_tokens(fake_loop, aiko) == {LoopLink.objects.get(account=account).refresh_token}


def test_a_choice_is_used_once(client: Any, fake_loop: FakeLoop, aiko: LoopPerson) -> None:
    ask(client, fake_loop, aiko)
    choose(client, "create")
    client.post("/logout/")

    again = choose(client, "create")

    assert_refused(again, ErrorCode.LINK_SESSION_EXPIRED, LOGIN)
    assert BusinessAccount.objects.filter(loop_link__isnull=False).count() == 1


def test_the_held_sign_in_is_taken_once_and_only_its_keys_hash_is_stored(db: None) -> None:
    key = do_hold_sign_in(
        LoopIdentity("open-x", "union-x", "x", "X", ""),
        TokenSet("a", "r", "open-x", "user.info.basic", timezone.now(), timezone.now() + timedelta(days=1)),
    )
    identity, tokens = do_take_held_sign_in(key)
    assert identity.open_id == tokens.open_id == "open-x" and tokens.refresh_token == "r"
    with pytest.raises(CodedError) as second:
        do_take_held_sign_in(key)
    assert second.value.code == ErrorCode.LINK_SESSION_EXPIRED
    assert not HeldSignIn.objects.filter(key_hash=key).exists()


# -- Log in to link an existing account ----------------------------------------------------------


@pytest.mark.parametrize("identifier", ["sakura.biz@example.com", "+819012345678"])
def test_log_in_and_link_an_existing_business_account(
    client: Any,
    business_account: BusinessAccount,
    fake_loop: FakeLoop,
    aiko: LoopPerson,
    run_tasks: Any,
    identifier: str,
) -> None:
    accounts = BusinessAccount.objects.count()
    ask(client, fake_loop, aiko)

    response = choose(client, "log_in", identifier=identifier, password=PASSWORD)

    assert response.redirect_chain == [(PERSONAL, 302)]
    assert "Your Loop account @aiko is now linked." in response.content.decode()
    assert session_user(client) == business_account.pk
    assert BusinessAccount.objects.count() == accounts
    link = LoopLink.objects.get(account=business_account)
    assert link.open_id == "open-aiko"
    event = AuditEvent.objects.get(account=business_account, kind=EventKind.LOOP_LINKED)
    assert event.data["via"] == "choice" and event.data["open_id"] == "open-aiko"
    assert AuditEvent.objects.filter(account=business_account, kind=EventKind.LOGIN).exists()
    assert not HeldSignIn.objects.exists()
    run_tasks()
    assert fake_loop.revoked == []
    assert live_refresh_tokens(fake_loop, aiko) == {link.refresh_token}


def test_a_wrong_password_answers_as_for_an_unknown_account_and_keeps_the_choice(
    client: Any, business_account: BusinessAccount, fake_loop: FakeLoop, aiko: LoopPerson
) -> None:
    ask(client, fake_loop, aiko)

    wrong = choose(client, "log_in", identifier="sakura.biz@example.com", password="not-the-password")
    unknown = choose(client, "log_in", identifier="nobody@example.com", password="not-the-password")

    alerts = []
    for response in (wrong, unknown):
        assert response.status_code == 200 and response.request["PATH_INFO"] == CHOOSE
        assert error_code(response) == "login.invalid_credentials"
        alerts.append(re.findall(r'<div class="alert alert-error".*?</div>', response.content.decode()))
    assert alerts[0] == alerts[1] and len(alerts[0]) == 1
    assert session_user(client) is None and not LoopLink.objects.exists()
    assert HeldSignIn.objects.count() == 1  # still there: the person may try again or choose otherwise
    assert choose(client, "create").redirect_chain == [(PERSONAL, 302)]


def test_password_guesses_on_the_choice_page_share_the_login_pages_throttle(
    client: Any, business_account: BusinessAccount, fake_loop: FakeLoop, aiko: LoopPerson
) -> None:
    ask(client, fake_loop, aiko)
    answers = [
        error_code(choose(client, "log_in", identifier="sakura.biz@example.com", password=f"guess-{n}"))
        for n in range(8)
    ]
    assert answers[0] == "login.invalid_credentials"
    assert answers[-1] == "auth.throttled"
    # The same allowance as the login page's: another browser guessing there is held back too.
    assert error_code(log_in(HttpClient(), "sakura.biz@example.com", "one-more-guess")) == "auth.throttled"
    assert not LoopLink.objects.exists()


def test_an_account_that_has_a_link_is_refused_and_the_tokens_revoked(
    client: Any, two_links: Any, fake_loop: FakeLoop, aiko: LoopPerson, run_tasks: Any
) -> None:
    """R1: hana.biz is linked to @hana; @aiko cannot be linked to it too."""
    hana_account, _hana = two_links["hana"]
    ask(client, fake_loop, aiko, "signup")
    (fresh,) = live_refresh_tokens(fake_loop, aiko)

    response = choose(client, "log_in", identifier="hana.biz@example.com", password=PASSWORD)

    assert_refused(response, ErrorCode.LINK_BUSINESS_HAS_LINK, SIGNUP)
    assert session_user(client) is None
    assert LoopLink.objects.get(account=hana_account).open_id == "open-hana"
    assert not HeldSignIn.objects.exists()
    refused = AuditEvent.objects.get(account=hana_account, kind=EventKind.LOOP_LINK_REFUSED)
    assert refused.data == {"code": "link.business_has_link"}
    run_tasks()
    assert fake_loop.revoked == [fresh]


# -- Link again the account that has no other way in ------------------------------------------


def test_link_again_is_offered_for_the_previous_account_that_cannot_log_in_otherwise(
    client: Any, removed_on_loop: BusinessAccount, fake_loop: FakeLoop, kenji: LoopPerson, run_tasks: Any
) -> None:
    accounts = BusinessAccount.objects.count()
    page = ask(client, fake_loop, kenji).content.decode()
    assert 'name="choice" value="link_again"' in page
    assert "@kenji was linked to the business account Kenji Sato" in page

    response = choose(client, "link_again")

    assert response.redirect_chain == [(PERSONAL, 302)]
    assert session_user(client) == removed_on_loop.pk
    assert LoopLink.objects.get(account=removed_on_loop).open_id == "open-kenji"
    assert BusinessAccount.objects.count() == accounts
    events = AuditEvent.objects.filter(account=removed_on_loop, kind=EventKind.LOOP_LINKED).order_by("-id")
    assert events[0].data["via"] == "link_again"
    run_tasks()
    assert live_refresh_tokens(fake_loop, kenji) >= {LoopLink.objects.get(account=removed_on_loop).refresh_token}


def test_link_again_is_not_offered_when_the_account_can_log_in(
    linked_account: BusinessAccount, fake_loop: FakeLoop
) -> None:
    do_end_link_removed_on_loop("open-sakura", reason=1, event_time=int(time.time()))
    assert stranded_account("open-sakura") is None  # it has a password and an email: log in to link it


def test_link_again_is_not_offered_after_a_staff_unlink(locked_out: BusinessAccount, agent: BusinessAccount) -> None:
    do_end_link_by_staff(locked_out, actor=agent, reason="Ownership dispute, case 12")
    assert stranded_account("open-kenji") is None


def test_link_again_is_not_offered_once_the_account_was_linked_to_another_loop_account(
    removed_on_loop: BusinessAccount, make_link: Any
) -> None:
    assert stranded_account("open-kenji") == removed_on_loop
    make_link(removed_on_loop, "mika")
    assert stranded_account("open-kenji") is None
    LoopLink.objects.filter(account=removed_on_loop).delete()  # even after that one is gone
    assert stranded_account("open-kenji") is None


def test_a_stale_link_again_offer_is_refused(
    client: Any,
    removed_on_loop: BusinessAccount,
    fake_loop: FakeLoop,
    kenji: LoopPerson,
    make_link: Any,
    run_tasks: Any,
) -> None:
    before = live_refresh_tokens(fake_loop, kenji)  # the ended link's grant (Loop removed it itself)
    ask(client, fake_loop, kenji)
    make_link(removed_on_loop, "mika")  # meanwhile, the account got another link
    fresh = live_refresh_tokens(fake_loop, kenji) - before

    response = choose(client, "link_again")

    assert_refused(response, ErrorCode.LINK_SESSION_EXPIRED, LOGIN)
    assert LoopLink.objects.get(account=removed_on_loop).open_id == "open-mika"
    run_tasks()
    assert set(fake_loop.revoked) == fresh


# -- only this browser, for a short time; Cancel -------------------------------------------------


def test_another_browser_cannot_see_or_use_the_choice(
    client: Any, other_browser: Any, business_account: BusinessAccount, fake_loop: FakeLoop, aiko: LoopPerson
) -> None:
    ask(client, fake_loop, aiko)

    assert_refused(other_browser.get(CHOOSE, follow=True), ErrorCode.LINK_SESSION_EXPIRED, LOGIN)
    for choice, data in [("create", {}), ("log_in", {"identifier": "sakura.biz@example.com", "password": PASSWORD})]:
        answer = choose(other_browser, choice, **data)
        assert_refused(answer, ErrorCode.LINK_SESSION_EXPIRED, LOGIN)
    assert session_user(other_browser) is None and not LoopLink.objects.exists()

    # The browser that started the flow still has its choice.
    assert HeldSignIn.objects.count() == 1
    assert choose(client, "create").redirect_chain == [(PERSONAL, 302)]


def test_cancel_revokes_the_tokens_and_makes_nothing(
    client: Any, fake_loop: FakeLoop, aiko: LoopPerson, run_tasks: Any
) -> None:
    ask(client, fake_loop, aiko, "signup")
    (fresh,) = live_refresh_tokens(fake_loop, aiko)

    response = choose(client, "cancel")

    assert response.redirect_chain == [(SIGNUP, 302)]
    assert not HeldSignIn.objects.exists() and not LoopLink.objects.exists()
    run_tasks()
    assert fake_loop.revoked == [fresh]
    assert_refused(client.get(CHOOSE, follow=True), ErrorCode.LINK_SESSION_EXPIRED, LOGIN)


def test_an_abandoned_choice_is_revoked_when_its_time_is_up(
    client: Any, fake_loop: FakeLoop, aiko: LoopPerson, run_tasks: Any, clock: Any
) -> None:
    ask(client, fake_loop, aiko)
    (fresh,) = live_refresh_tokens(fake_loop, aiko)
    clock.shift(CHOICE_LIFETIME - timedelta(seconds=5))
    run_tasks()
    assert fake_loop.revoked == []  # still choosing (longer than the exchange's own two-minute hold)

    clock.shift(timedelta(seconds=10))
    run_tasks()

    assert fake_loop.revoked == [fresh]
    assert_refused(choose(client, "create"), ErrorCode.LINK_SESSION_EXPIRED, LOGIN)
    assert not LoopLink.objects.exists()


def test_a_browser_that_logged_in_meanwhile_gives_up_the_choice(
    client: Any, business_account: BusinessAccount, fake_loop: FakeLoop, aiko: LoopPerson, run_tasks: Any
) -> None:
    ask(client, fake_loop, aiko)
    (fresh,) = live_refresh_tokens(fake_loop, aiko)
    assert log_in(client, "sakura.biz@example.com").status_code == 302

    response = client.get(CHOOSE)

    assert response.status_code == 302 and response["Location"] == ADS_MANAGER
    assert not LoopLink.objects.exists() and not HeldSignIn.objects.exists()
    run_tasks()
    assert fake_loop.revoked == [fresh]


@pytest.mark.parametrize(("language", "lang"), [("ja", "ja"), ("es", "es")])
def test_the_choice_page_speaks_the_browsers_language(
    client: Any, fake_loop: FakeLoop, aiko: LoopPerson, language: str, lang: str
) -> None:
    client.cookies["lfb_language"] = language
    page = ask(client, fake_loop, aiko).content.decode()
    assert f'<html lang="{lang}">' in page
