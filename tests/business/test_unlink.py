"""User settings → Personal information → **Unlink Loop account** (DESIGN §4.1, R3), over HTTP."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client as HttpClient

from accountlink.business.accounts import actions as account_actions
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.reconciliation import do_end_link_removed_on_loop
from accountlink.business.linking.actions.unlink import do_unlink_loop_account
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import CodedError, ErrorCode
from tests.business.fake_loop import FakeLoop, LoopPerson, live_access_tokens, live_refresh_tokens
from tests.business.pages import (
    CONFIRM,
    MASKED_EMAIL,
    MASKED_PHONE,
    PASSWORD,
    PERSONAL,
    SAKURA_EMAIL,
    SAKURA_PHONE,
    UNLINK,
    code_sent_to,
    confirm,
    dialog_of,
    error_code,
    link,
    link_in_new_browser,
    open_dialog,
    send_code,
    unlink,
)

pytestmark = pytest.mark.django_db

# -- the button and the dialog -------------------------------------------------------------------


def test_personal_information_offers_unlink_loop_account_in_the_loop_account_card(linked_browser: Any) -> None:
    page = linked_browser.get(PERSONAL).content.decode()
    card = page[page.index('id="loop-account"') :]
    card = card[: card.index("</section>")]
    assert "@sakura" in card
    assert f'<form method="get" action="{UNLINK}" class="card-actions">' in card
    assert '<button type="submit" class="secondary" id="unlink-loop-button">Unlink Loop account</button>' in card


def test_an_account_without_a_link_is_not_offered_unlink(signed_in: Any) -> None:
    page = signed_in.get(PERSONAL).content.decode()
    assert "Unlink Loop account" not in page
    response = signed_in.get(UNLINK, follow=True)
    assert response.redirect_chain == [(PERSONAL, 302)]
    assert error_code(response) == "unlink.not_linked"
    assert "This account isn&#x27;t linked to a Loop account." in response.content.decode()


def test_the_dialog_is_a_modal_over_personal_information(linked_browser: Any) -> None:
    html = linked_browser.get(UNLINK).content.decode()
    dialog = dialog_of(html)
    assert '<section class="modal" role="dialog" aria-modal="true" aria-labelledby="unlink-loop-title"' in dialog
    assert '<h2 id="unlink-loop-title">Unlink Loop account</h2>' in dialog
    assert "<title>Unlink Loop account · Loop for Business</title>" in html
    # Personal information stays behind it, out of reach until the dialog is closed.
    assert '<div class="behind-dialog" inert>' in html
    assert "Linked since" in html
    assert f'<a class="button secondary" href="{PERSONAL}" data-dialog-cancel>Cancel</a>' in dialog


def test_the_dialog_explains_unlinking_and_offers_the_masked_addresses(linked_browser: Any) -> None:
    dialog = open_dialog(linked_browser)
    assert "Your ad accounts and settings stay with this Loop for Business account" in dialog
    assert "you can link a Loop account again at any time" in dialog
    assert f'<form method="post" action="{UNLINK}" class="stack" novalidate>' in dialog
    assert 'type="radio" name="contact" value="email"' in dialog
    assert 'type="radio" name="contact" value="phone"' in dialog
    assert MASKED_EMAIL in dialog and MASKED_PHONE in dialog
    assert '<button type="submit">Send code</button>' in dialog


def test_the_dialog_pages_never_show_an_address_in_full(
    linked_browser: Any, outbox: Any, run_tasks: Any, make_business_account: Any
) -> None:
    for html in [linked_browser.get(UNLINK).content.decode(), linked_browser.get(CONFIRM).content.decode()]:
        assert SAKURA_EMAIL not in html and "9012345678" not in html
    send_code(linked_browser, "phone")
    html = linked_browser.get(CONFIRM).content.decode()
    assert SAKURA_EMAIL not in html and "9012345678" not in html
    assert MASKED_PHONE in html


def test_an_account_with_one_address_has_it_chosen_already(
    client: Any, make_business_account: Any, fake_loop: FakeLoop
) -> None:
    account = make_business_account(email="hana.biz@example.com")
    linked_browser_client = link_in_new_browser(account, fake_loop, fake_loop.person("hana"))
    dialog = open_dialog(linked_browser_client)
    assert 'type="radio" name="contact" value="email" required id="id_contact_0" checked' in dialog
    assert 'value="phone"' not in dialog


# -- the whole path ------------------------------------------------------------------------------


def test_unlinking_from_personal_information_ends_the_link(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    response = send_code(linked_browser, "email")
    assert response.status_code == 302 and response["Location"] == CONFIRM
    step_two = linked_browser.get(CONFIRM).content.decode()
    dialog = dialog_of(step_two)
    assert f"We sent a code to {MASKED_EMAIL}." in dialog
    assert '<label for="id_code">Verification code</label>' in dialog
    assert '<button type="submit">Confirm</button>' in dialog
    assert '<button type="submit" name="resend" value="1" class="link">Send a new code</button>' in dialog
    assert f'<a class="button secondary" href="{PERSONAL}" data-dialog-cancel>Cancel</a>' in dialog

    response = confirm(linked_browser, code_sent_to(outbox, run_tasks, SAKURA_EMAIL), follow=True)

    assert response.redirect_chain == [(PERSONAL, 302)]
    page = response.content.decode()
    assert "Your Loop account @sakura is no longer linked. Your ad accounts and settings stay as they are." in page
    assert '<div class="alert alert-success" role="status">' in page
    assert "Link Loop account</button>" in page
    card = page[page.index('id="loop-account"') :]
    assert "Unlink Loop account" not in card and "@sakura" not in card and "Linked since" not in card
    assert not LoopLink.objects.filter(account=business_account).exists()
    assert "flow:unlink_loop" not in linked_browser.session


def test_the_code_can_go_to_the_phone(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    run_tasks()  # the link's notices
    sent_before = len(outbox.messages())
    send_code(linked_browser, "phone")
    assert f"We sent a code to {MASKED_PHONE}." in linked_browser.get(CONFIRM).content.decode()
    run_tasks()
    assert [message.to for message in outbox.messages()[sent_before:]] == [SAKURA_PHONE]  # only where asked
    confirm(linked_browser, outbox.code_for(SAKURA_PHONE))
    assert not LoopLink.objects.filter(account=business_account).exists()


def test_the_dialog_in_japanese_uses_the_seed_articles_labels(linked_browser: Any, outbox: Any, run_tasks: Any) -> None:
    linked_browser.cookies["lfb_language"] = "ja"
    choose = linked_browser.get(UNLINK).content.decode()
    assert '<html lang="ja">' in choose
    assert '<button type="submit">コードを送信</button>' in dialog_of(choose)
    assert ">キャンセル</a>" in dialog_of(choose)
    send_code(linked_browser, "email")
    step_two = dialog_of(linked_browser.get(CONFIRM).content.decode())
    assert '<label for="id_code">認証コード</label>' in step_two
    assert '<button type="submit">確認</button>' in step_two
    assert ">新しいコードを送信</button>" in step_two
    wrong = confirm(linked_browser, "000000")
    assert error_code(wrong) == "code.invalid"
    assert "コードが正しくありません。" in wrong.content.decode()


def test_the_unlink_button_and_dialog_title_are_in_japanese(linked_browser: Any) -> None:
    linked_browser.cookies["lfb_language"] = "ja"
    page = linked_browser.get(PERSONAL).content.decode()
    assert '<button type="submit" class="secondary" id="unlink-loop-button">Loopアカウントの連携を解除</button>' in page
    dialog = open_dialog(linked_browser)
    assert '<h2 id="unlink-loop-title">Loopアカウントの連携解除</h2>' in dialog


def test_cancel_leaves_the_link_as_it_was(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    page = linked_browser.get(PERSONAL).content.decode()  # the Cancel link
    assert "Unlink Loop account</button>" in page and "@sakura" in page
    assert LoopLink.objects.filter(account=business_account).exists()
    assert not AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).exists()


# -- after unlinking (DESIGN §4.5) ---------------------------------------------------------------


def test_the_business_account_keeps_its_ad_accounts(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    created = linked_browser.post(
        "/adsmanager/ad-accounts/new/", {"name": "Spring campaign", "currency": "JPY", "time_zone": "Asia/Tokyo"}
    )
    assert created.status_code == 302
    unlink(linked_browser, outbox, run_tasks)
    assert not LoopLink.objects.filter(account=business_account).exists()
    assert "Spring campaign" in linked_browser.get("/adsmanager/").content.decode()
    assert list(business_account.ad_accounts.values_list("name", flat=True)) == ["Spring campaign"]


def test_the_loop_account_can_be_linked_to_another_business_account_at_once(
    linked_browser: Any,
    make_business_account: Any,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
) -> None:
    unlink(linked_browser, outbox, run_tasks)
    hana = make_business_account(email="hana.biz@example.com")
    other = HttpClient()
    other.force_login(hana)
    response = link(other, fake_loop, sakura)
    assert "Your Loop account @sakura is now linked." in response.content.decode()
    assert LoopLink.objects.get(open_id="open-sakura").account == hana


def test_the_same_business_account_can_link_again_at_once(
    linked_browser: Any,
    business_account: BusinessAccount,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
) -> None:
    unlink(linked_browser, outbox, run_tasks)
    link(linked_browser, fake_loop, sakura)
    assert LoopLink.objects.get(account=business_account).open_id == "open-sakura"


# -- audit and notifications (R7, R8) ------------------------------------------------------------


def test_the_unlink_is_audited_with_the_masked_address_and_never_the_code(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "phone")
    code = code_sent_to(outbox, run_tasks, SAKURA_PHONE)
    confirm(linked_browser, code)

    (event,) = AuditEvent.objects.filter(account=business_account, kind=EventKind.LOOP_UNLINKED)
    assert event.actor == business_account
    assert event.data == {
        "reason": "unlinked_by_holder",
        "username": "sakura",
        "open_id": "open-sakura",
        "channel": "sms",
        "to": MASKED_PHONE,
    }
    (sent,) = AuditEvent.objects.filter(account=business_account, kind=EventKind.CODE_SENT)
    assert sent.data == {"purpose": "unlink_loop", "channel": "sms", "to": MASKED_PHONE}
    for recorded in AuditEvent.objects.all():
        assert code not in str(recorded.data)
        assert SAKURA_PHONE not in str(recorded.data)
    activity = linked_browser.get("/settings/security/").content.decode()
    assert '<div class="row" data-kind="link.removed">' in activity
    assert "Account unlinked" in activity


def test_every_contact_is_told_about_the_unlink(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    unlink(linked_browser, outbox, run_tasks, contact="email")
    run_tasks()
    email = outbox.last(SAKURA_EMAIL)
    assert email.subject == "Your Loop account is no longer linked"
    assert "You unlinked the Loop account @sakura from your Loop for Business account." in email.body
    assert "Your ad accounts and settings stay as they are." in email.body
    sms = outbox.last(SAKURA_PHONE)
    assert sms.channel == "sms"
    assert "no longer linked to Loop @sakura" in sms.body


# -- the grant at Loop ---------------------------------------------------------------------------


def test_the_grant_is_revoked_at_loop_after_the_unlink(
    linked_browser: Any, fake_loop: FakeLoop, sakura: LoopPerson, outbox: Any, run_tasks: Any
) -> None:
    refresh = next(iter(live_refresh_tokens(fake_loop, sakura)))
    access = next(iter(live_access_tokens(fake_loop, sakura)))
    unlink(linked_browser, outbox, run_tasks)
    run_tasks()
    assert fake_loop.revoked == [refresh]
    assert not fake_loop.is_active(refresh) and not fake_loop.is_active(access)
    assert LoopRevocation.objects.get().call.done_at is not None


# -- R3: who may unlink ----------------------------------------------------------------------------


def test_a_managed_account_is_sent_to_its_account_manager(
    make_business_account: Any, manager: BusinessAccount, fake_loop: FakeLoop, outbox: Any, run_tasks: Any
) -> None:
    managed = make_business_account(email="managed@example.com", account_manager=manager)
    browser = link_in_new_browser(managed, fake_loop, fake_loop.person("ren"))
    page = browser.get(PERSONAL).content.decode()
    assert "Unlink Loop account</button>" in page

    dialog = open_dialog(browser)

    assert (
        '<div id="unlink-loop-about" class="alert alert-error" role="alert" data-error-code="unlink.managed_account">'
        in (dialog)
    )
    assert (
        "This account is managed. Contact your account manager, Mina Manager (manager@example.com), to unlink it."
        in dialog
    )
    assert '<a href="mailto:manager@example.com">manager@example.com</a>' in dialog
    assert 'name="contact"' not in dialog and "Send code" not in dialog and 'name="code"' not in dialog
    # Posting the form anyway sends no code and unlinks nothing.
    refused = send_code(browser, "email")
    assert refused.status_code == 200 and error_code(refused) == "unlink.managed_account"
    assert not AuditEvent.objects.filter(account=managed, kind=EventKind.CODE_SENT).exists()
    assert LoopLink.objects.filter(account=managed).exists()
    assert error_code(confirm(browser, "123456")) == "unlink.managed_account"
    assert LoopLink.objects.filter(account=managed).exists()


def test_an_account_without_email_or_phone_is_asked_to_add_one(
    client: Any, fake_loop: FakeLoop, make_business_account: Any
) -> None:
    account = account_actions.do_create_account(email=None, password=None, display_name="Kenji Sato")
    browser = link_in_new_browser(account, fake_loop, fake_loop.person("kenji"))

    dialog = open_dialog(browser)

    assert 'data-error-code="unlink.no_contact"' in dialog
    assert (
        "To unlink your Loop account we need to send you a verification code, but this account has no email "
        "address or phone number. Add one first."
    ) in dialog
    assert '<a href="/settings/personal/email/">Add email</a>' in dialog
    assert '<a href="/settings/personal/phone/">Add phone number</a>' in dialog
    assert "Send code" not in dialog
    assert error_code(send_code(browser, "email")) == "unlink.no_contact"
    assert LoopLink.objects.filter(account=account).exists()


def test_an_account_without_a_password_is_asked_to_set_one(
    client: Any, fake_loop: FakeLoop, make_business_account: Any, outbox: Any, run_tasks: Any
) -> None:
    account = make_business_account(email="kenji.biz@example.com", password=None)
    browser = link_in_new_browser(account, fake_loop, fake_loop.person("kenji"))

    dialog = open_dialog(browser)

    assert 'data-error-code="unlink.last_login_method"' in dialog
    assert (
        "Set a password first. Without your Loop account you would have no other way to log in to this account."
        in dialog
    )
    assert '<a href="/settings/password/">Set a password</a>' in dialog
    assert "Send code" not in dialog
    assert error_code(send_code(browser, "email")) == "unlink.last_login_method"
    assert not AuditEvent.objects.filter(account=account, kind=EventKind.CODE_SENT).exists()

    # The way forward works: with a password set, the dialog offers the code.
    browser.post("/settings/password/", {"new_password": "a-brand-new-passphrase"})
    assert 'value="email"' in open_dialog(browser)


def test_a_refusal_after_the_code_was_sent_shows_the_way_forward(
    linked_browser: Any, business_account: BusinessAccount, manager: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    BusinessAccount.objects.filter(pk=business_account.pk).update(account_manager=manager)  # staff made it managed

    response = confirm(linked_browser, code)

    assert error_code(response) == "unlink.managed_account"
    assert LoopLink.objects.filter(account=business_account).exists()
    assert "flow:unlink_loop" not in linked_browser.session


def test_a_link_ended_meanwhile_sends_the_holder_back_to_personal_information(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    do_end_link_removed_on_loop("open-sakura", reason=1, event_time=int(time.time()))

    response = confirm(linked_browser, code, follow=True)

    assert response.redirect_chain == [(PERSONAL, 302)]
    assert error_code(response) == "unlink.not_linked"
    assert "Link Loop account</button>" in response.content.decode()


# -- codes (DESIGN §8) ---------------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_the_right_one_still_works(
    linked_browser: Any, business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    wrong = "000000" if code != "000000" else "111111"

    response = confirm(linked_browser, wrong)

    assert response.status_code == 200
    assert error_code(response) == "code.invalid"
    assert "That code isn&#x27;t right. Check the code we sent you and try again." in response.content.decode()
    assert f"We sent a code to {MASKED_EMAIL}." in response.content.decode()
    assert LoopLink.objects.filter(account=business_account).exists()
    confirm(linked_browser, code)
    assert not LoopLink.objects.filter(account=business_account).exists()


def test_a_code_is_good_once(
    linked_browser: Any,
    business_account: BusinessAccount,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    confirm(linked_browser, code)
    link(linked_browser, fake_loop, sakura)  # linked again at once

    with pytest.raises(CodedError) as refused:
        do_unlink_loop_account(business_account, business_account.contacts()[0], code)

    assert refused.value.code == ErrorCode.CODE_INVALID
    assert LoopLink.objects.filter(account=business_account).exists()
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).count() == 1


def test_a_code_that_is_not_six_digits_is_refused_before_it_is_checked(
    linked_browser: Any, business_account: BusinessAccount
) -> None:
    send_code(linked_browser, "email")
    response = confirm(linked_browser, "abc-def")
    assert error_code(response) == "format"
    assert "Enter the 6-digit code." in response.content.decode()
    assert LoopLink.objects.filter(account=business_account).exists()


def test_the_help_articles_steps_in_order(
    client: Any, business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson, outbox: Any, run_tasks: Any
) -> None:
    """DESIGN §4.1 step by step, following only what each page offers."""
    other = HttpClient()
    other.force_login(business_account)
    link(other, fake_loop, sakura)
    # 1. Log in.
    response = client.post("/login/", {"identifier": SAKURA_EMAIL, "password": PASSWORD}, follow=True)
    ads_manager = response.content.decode()
    # 2. Profile menu → User settings.
    assert 'aria-label="Profile menu"' in ads_manager
    user_settings = re.search(r'<a href="([^"]+)">User settings</a>', ads_manager)
    assert user_settings
    settings_page = client.get(user_settings.group(1)).content.decode()
    # 3. Personal information.
    personal = re.search(r'<a href="([^"]+)"[^>]*>Personal information</a>', settings_page)
    assert personal
    page = client.get(personal.group(1)).content.decode()
    # 4. Unlink Loop account, in the Loop account card.
    button = re.search(
        r'<form method="get" action="([^"]+)" class="card-actions">\s*'
        r'<button type="submit" class="secondary" id="unlink-loop-button">Unlink Loop account</button>',
        page,
    )
    assert button
    # 5. The dialog titled Unlink Loop account asks to verify identity.
    dialog = dialog_of(client.get(button.group(1)).content.decode())
    assert '<h2 id="unlink-loop-title">Unlink Loop account</h2>' in dialog
    # 6. Choose the masked address and Send code.
    assert f"{MASKED_EMAIL}</label>" in dialog
    action = re.search(r'<form method="post" action="([^"]+)"', dialog)
    assert action
    sent = client.post(action.group(1), {"contact": "email"}, follow=True)
    dialog = dialog_of(sent.content.decode())
    # 7. Verification code.
    assert '<label for="id_code">Verification code</label>' in dialog
    action = re.search(r'<form method="post" action="([^"]+)"', dialog)
    assert action
    # 8. Confirm: the link ends.
    done = client.post(action.group(1), {"code": code_sent_to(outbox, run_tasks, SAKURA_EMAIL)}, follow=True)
    assert done.redirect_chain == [(PERSONAL, 302)]
    assert "Link Loop account</button>" in done.content.decode()
    assert not LoopLink.objects.filter(account=business_account).exists()
