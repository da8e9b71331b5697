"""The Unlink dialog's verification codes (DESIGN §8), bad input, CSRF and whose link it is."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.business.fake_loop import FakeLoop
from tests.business.pages import (
    CONFIRM,
    LOGIN,
    MASKED_EMAIL,
    SAKURA_EMAIL,
    UNLINK,
    code_sent_to,
    confirm,
    confirm_its_me,
    dialog_of,
    error_code,
    link_in_new_browser,
    resend,
    send_code,
)

pytestmark = pytest.mark.django_db


def still_linked(account: BusinessAccount) -> bool:
    return LoopLink.objects.filter(account=account).exists()


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


# -- expiry, attempts, resends, caps -------------------------------------------------------------


def test_a_code_expires_after_ten_minutes(
    clock: Any, linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    clock.shift(timedelta(minutes=10, seconds=1))
    confirm_its_me(linked_browser)  # the login is over 10 minutes old too

    response = confirm(linked_browser, code)

    assert error_code(response) == "code.expired"
    assert "That code has expired. Request a new code." in response.content.decode()
    assert still_linked(business_account)
    resend(linked_browser)
    confirm(linked_browser, code_sent_to(outbox, run_tasks, SAKURA_EMAIL))
    assert not still_linked(business_account)


def test_a_code_still_works_just_before_it_expires(
    clock: Any, linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    clock.shift(timedelta(minutes=9, seconds=59))
    confirm(linked_browser, code)
    assert not still_linked(business_account)


def test_five_wrong_codes_void_the_code(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)

    answers = [error_code(confirm(linked_browser, wrong_code(code))) for _ in range(5)]

    assert answers == ["code.invalid"] * 4 + ["code.too_many_attempts"]
    last = confirm(linked_browser, wrong_code(code))
    assert error_code(last) in {"code.invalid", "code.too_many_attempts"}
    right = confirm(linked_browser, code)
    assert error_code(right) in {"code.invalid", "code.too_many_attempts"}  # the right code is void too
    assert still_linked(business_account)


def test_too_many_wrong_codes_says_to_request_a_new_one(linked_browser: Any, outbox: Any, run_tasks: Any) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    for _ in range(4):
        confirm(linked_browser, wrong_code(code))
    response = confirm(linked_browser, wrong_code(code))
    assert "Too many wrong codes were entered. Request a new code." in response.content.decode()


def test_a_new_code_no_sooner_than_a_minute(
    clock: Any, linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    first = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    clock.shift(timedelta(seconds=20))

    too_soon = resend(linked_browser)

    assert too_soon.status_code == 200
    assert error_code(too_soon) == "code.resend_too_soon"
    assert "Please wait 40 seconds before requesting another code." in dialog_of(too_soon.content.decode())
    assert f"We sent a code to {MASKED_EMAIL}." in too_soon.content.decode()  # still on the code step
    assert code_sent_to(outbox, run_tasks, SAKURA_EMAIL) == first  # nothing new was sent
    confirm(linked_browser, first)
    assert not still_linked(business_account)


def test_a_new_code_voids_the_old_one(
    clock: Any, linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    old = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    clock.shift(timedelta(seconds=61))

    response = resend(linked_browser)

    assert '<div class="alert alert-success" role="status">We sent a new code.</div>' in response.content.decode()
    new = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    assert new != old  # (one chance in a million that the draw repeats)
    assert error_code(confirm(linked_browser, old)) == "code.invalid"
    assert still_linked(business_account)
    confirm(linked_browser, new)
    assert not still_linked(business_account)


def test_codes_to_one_address_are_capped_per_hour(
    clock: Any, linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    for _ in range(4):
        clock.shift(timedelta(seconds=61))
        assert error_code(resend(linked_browser)) is None
    run_tasks()  # (each message is stamped when the worker sends it)
    clock.shift(timedelta(seconds=61))

    capped = resend(linked_browser)

    assert error_code(capped) == "code.rate_limited"
    assert "Too many codes were requested. Try again in an hour." in capped.content.decode()
    again = send_code(linked_browser, "email")  # starting over does not get round it
    assert again.status_code == 200 and error_code(again) == "code.rate_limited"
    assert AuditEvent.objects.filter(account=business_account, kind=EventKind.CODE_SENT).count() == 5
    # The phone is another address, and in an hour the email works again.
    assert send_code(linked_browser, "phone").status_code == 302
    run_tasks()
    clock.shift(timedelta(hours=1))
    confirm_its_me(linked_browser)
    assert send_code(linked_browser, "email")["Location"] == CONFIRM
    confirm(linked_browser, code_sent_to(outbox, run_tasks, SAKURA_EMAIL))
    assert not still_linked(business_account)


def test_strangers_asking_for_reset_codes_cannot_stop_the_holders_unlink_code(
    clock: Any, linked_browser: Any, outbox: Any, run_tasks: Any
) -> None:
    for _ in range(12):  # Forgot password for her address, a minute apart, by someone else
        HttpClient().post("/password/forgot/", {"identifier": SAKURA_EMAIL})
        clock.shift(61)

    response = send_code(linked_browser, "email")

    assert error_code(response) is None
    assert code_sent_to(outbox, run_tasks, SAKURA_EMAIL)


def test_codes_of_one_account_are_capped_per_hour(
    clock: Any, settings: Any, linked_browser: Any, business_account: BusinessAccount
) -> None:
    settings.ACCOUNTLINK_CODE_POLICY = {"per_account_per_hour": 3}
    for contact in ["email", "phone"]:
        assert send_code(linked_browser, contact).status_code == 302
        clock.shift(timedelta(seconds=61))
    assert error_code(resend(linked_browser)) is None  # the third code this hour
    clock.shift(timedelta(seconds=61))
    assert error_code(send_code(linked_browser, "email")) == "code.rate_limited"
    assert still_linked(business_account)


# -- bad input loses nothing ---------------------------------------------------------------------


def test_send_code_without_a_choice_asks_for_one(linked_browser: Any, business_account: BusinessAccount) -> None:
    response = linked_browser.post(UNLINK, {})
    assert response.status_code == 200
    assert error_code(response) == "required"
    dialog = dialog_of(response.content.decode())
    assert "Choose where to send the code." in dialog
    assert 'value="email"' in dialog and 'value="phone"' in dialog
    assert not AuditEvent.objects.filter(kind=EventKind.CODE_SENT).exists()


@pytest.mark.parametrize("choice", ["fax", SAKURA_EMAIL, "someone@example.com", "x" * 5000, "ema\x00il"])
def test_send_code_to_an_address_not_offered_is_refused(linked_browser: Any, choice: str) -> None:
    response = send_code(linked_browser, choice)
    assert response.status_code == 200
    assert error_code(response) == "invalid_choice"
    assert "Choose one of the email addresses or phone numbers on this account." in response.content.decode()
    assert not AuditEvent.objects.filter(kind=EventKind.CODE_SENT).exists()


def test_the_chosen_address_stays_chosen_after_an_error(
    clock: Any, linked_browser: Any, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "phone")
    response = send_code(linked_browser, "phone")  # back at step 1 within the minute
    assert error_code(response) == "code.resend_too_soon"
    assert 'value="phone" required id="id_contact_1" checked' in dialog_of(response.content.decode())


@pytest.mark.parametrize("typed", ["abc123", "12345", "1234567", "", "１２３４５x", "x" * 5000, "12\x0034"])
def test_a_code_that_is_not_six_digits_keeps_the_dialog_on_the_code_step(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any, typed: str
) -> None:
    send_code(linked_browser, "email")
    response = confirm(linked_browser, typed)
    assert response.status_code == 200
    assert error_code(response) in {"format", "required", "max_length", "null_characters_not_allowed"}
    assert f"We sent a code to {MASKED_EMAIL}." in response.content.decode()
    # Nothing was lost: the code that arrived still works.
    confirm(linked_browser, code_sent_to(outbox, run_tasks, SAKURA_EMAIL))
    assert not still_linked(business_account)


def test_a_code_typed_with_full_width_digits_works(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    confirm(linked_browser, code.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    assert not still_linked(business_account)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_code_step_without_a_code_sent_starts_again(
    linked_browser: Any, business_account: BusinessAccount, method: str
) -> None:
    response = getattr(linked_browser, method)(CONFIRM, {"code": "123456"} if method == "post" else {})
    assert response.status_code == 200
    assert error_code(response) == "flow.expired"
    dialog = dialog_of(response.content.decode())
    assert "This page has expired. Please start again." in dialog
    assert '<button type="submit">Send code</button>' in dialog
    assert still_linked(business_account)


def test_the_code_step_expires_with_its_flow(
    clock: Any, linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    clock.shift(timedelta(minutes=31))
    confirm_its_me(linked_browser)
    assert error_code(confirm(linked_browser, code)) == "flow.expired"
    assert still_linked(business_account)


@pytest.mark.parametrize("url", [UNLINK, CONFIRM])
def test_other_methods_are_not_allowed(linked_browser: Any, url: str) -> None:
    assert linked_browser.put(url).status_code == 405
    assert linked_browser.delete(url).status_code == 405


# -- who may use the dialog ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [UNLINK, CONFIRM])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_dialog_asks_for_login(client: Any, url: str, method: str) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


def test_send_code_and_confirm_need_the_csrf_token_of_the_page(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(business_account)
    browser.get(UNLINK)  # sets the CSRF cookie, as the page does
    token = browser.cookies["lfb_csrftoken"].value

    assert browser.post(UNLINK, {"contact": "email"}).status_code == 403
    assert not AuditEvent.objects.filter(kind=EventKind.CODE_SENT).exists()
    assert browser.post(UNLINK, {"contact": "email", "csrfmiddlewaretoken": token}).status_code == 302
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    assert browser.post(CONFIRM, {"code": code}).status_code == 403
    assert browser.post(CONFIRM, {"resend": "1"}).status_code == 403
    assert still_linked(business_account)
    assert browser.post(CONFIRM, {"code": code, "csrfmiddlewaretoken": token}).status_code == 302
    assert not still_linked(business_account)


def test_a_holder_can_only_unlink_their_own_link(
    linked_browser: Any,
    business_account: BusinessAccount,
    make_business_account: Any,
    fake_loop: FakeLoop,
    outbox: Any,
    run_tasks: Any,
) -> None:
    hana = make_business_account(email="hana.biz@example.com")
    hana_browser = link_in_new_browser(hana, fake_loop, fake_loop.person("hana"))
    send_code(linked_browser, "email")
    sakuras_code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)

    # Hana types Sakura's code into her own dialog: it is not a code for her account.
    send_code(hana_browser, "email")
    assert error_code(confirm(hana_browser, sakuras_code)) == "code.invalid"

    # Hana's session is forged to name Sakura's address: still only Hana's link is in reach, and refused.
    session = hana_browser.session
    flow = dict(session["flow:unlink_loop"])
    flow["contact"] = {"channel": "email", "value": SAKURA_EMAIL}
    session["flow:unlink_loop"] = flow
    session.save()
    forged = confirm(hana_browser, sakuras_code)
    assert error_code(forged) == "unlink.unknown_contact"
    assert "Choose one of the email addresses or phone numbers on this account." in forged.content.decode()

    assert still_linked(business_account) and still_linked(hana)
    confirm(linked_browser, sakuras_code)  # Sakura's own dialog still works with it
    assert not still_linked(business_account) and still_linked(hana)


def test_a_flow_started_by_another_account_is_not_used(
    linked_browser: Any,
    business_account: BusinessAccount,
    make_business_account: Any,
    fake_loop: FakeLoop,
    outbox: Any,
    run_tasks: Any,
) -> None:
    hana = make_business_account(email="hana.biz@example.com")
    hana_browser = link_in_new_browser(hana, fake_loop, fake_loop.person("hana"))
    send_code(linked_browser, "email")
    session = hana_browser.session
    session["flow:unlink_loop"] = dict(linked_browser.session["flow:unlink_loop"], started=time.time())
    session.save()

    response = confirm(hana_browser, code_sent_to(outbox, run_tasks, SAKURA_EMAIL))

    assert error_code(response) == "flow.expired"
    assert still_linked(business_account) and still_linked(hana)
