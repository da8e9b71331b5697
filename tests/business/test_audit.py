"""Every state change is audited in its own transaction: no change without its event and its messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from accountlink.business.accounts import actions
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.adsmanager.actions import do_create_ad_account
from accountlink.kit.accounts import actions as accounts
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from tests.business.pages import NEW_PASSWORD, PASSWORD, log_in
from tests.login_helpers import log_in_elsewhere

pytestmark = pytest.mark.django_db


class Broken(RuntimeError):
    pass


@pytest.fixture
def broken_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The task queue refuses new messages (say, the database rejects the task row)."""

    class Refusing:
        def enqueue(self, *args: Any, **kwargs: Any) -> None:
            raise Broken("queue down")

    monkeypatch.setattr("accountlink.kit.notify.send.deliver_message", Refusing())


def change_display_name(account: BusinessAccount) -> None:
    actions.do_change_display_name(account, "Someone Else")


def create_ad_account(account: BusinessAccount) -> None:
    do_create_ad_account(account, name="Shop", currency="USD", time_zone="Asia/Tokyo")


def change_language(account: BusinessAccount) -> None:
    accounts.do_change_language(account, "es")


def change_password(account: BusinessAccount) -> None:
    accounts.do_change_password(account, current_password=PASSWORD, new_password=NEW_PASSWORD)


def start_signup(account: BusinessAccount) -> None:
    actions.do_start_signup(
        contact=Contact(Channel.EMAIL, "fresh.biz@example.com"),
        password="a-long-password-1",
        display_name="",
        language="en",
    )


def record_login(account: BusinessAccount) -> None:
    log_in_elsewhere(account)


# Each change, and how to see that it happened.
AUDITED_CHANGES: list[tuple[Callable[[BusinessAccount], None], Callable[[BusinessAccount], bool]]] = [
    (change_display_name, lambda account: account.display_name == "Someone Else"),
    (create_ad_account, lambda account: account.ad_accounts.exists()),
    (change_language, lambda account: account.language == "es"),
    (change_password, lambda account: account.check_password(NEW_PASSWORD)),
    (start_signup, lambda account: BusinessAccount.objects.filter(email="fresh.biz@example.com").exists()),
    (record_login, lambda account: account.last_login is not None),
]


@pytest.mark.parametrize(
    ("change", "happened"), AUDITED_CHANGES, ids=[change.__name__ for change, _ in AUDITED_CHANGES]
)
def test_a_change_whose_audit_event_cannot_be_written_does_not_happen(
    business_account: Any,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[BusinessAccount], None],
    happened: Callable[[BusinessAccount], bool],
) -> None:
    events_before = AuditEvent.objects.count()

    def refuse(**kwargs: Any) -> None:
        raise Broken("audit table unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(AuditEvent.objects, "create", refuse)
        with pytest.raises(Broken):
            change(BusinessAccount.objects.get(pk=business_account.pk))
    assert not happened(BusinessAccount.objects.get(pk=business_account.pk))
    assert AuditEvent.objects.count() == events_before

    # With the audit table back, the same change happens, with its event.
    change(BusinessAccount.objects.get(pk=business_account.pk))
    assert happened(BusinessAccount.objects.get(pk=business_account.pk))
    assert AuditEvent.objects.count() > events_before


def test_a_sign_up_whose_code_cannot_be_queued_leaves_no_account(business_account: Any, broken_queue: None) -> None:
    with pytest.raises(Broken):
        start_signup(business_account)
    assert not BusinessAccount.objects.filter(email="fresh.biz@example.com").exists()
    assert not AuditEvent.objects.filter(kind__in=[EventKind.CODE_SENT]).exists()


def test_a_password_change_whose_notice_cannot_be_queued_keeps_the_old_password(
    business_account: Any, broken_queue: None
) -> None:
    with pytest.raises(Broken):
        accounts.do_change_password(business_account, current_password=PASSWORD, new_password=NEW_PASSWORD)
    account = BusinessAccount.objects.get(pk=business_account.pk)
    assert account.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(kind=EventKind.PASSWORD_CHANGED).exists()


def test_an_email_change_whose_notice_cannot_be_queued_keeps_the_old_email_and_the_code(
    business_account: Any, sent: Any, run_tasks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = Contact(Channel.EMAIL, "sakura.new@example.com")
    actions.do_start_contact_change(business_account, new, current_password=PASSWORD)
    run_tasks()
    code = sent.code_for("sakura.new@example.com")

    class Refusing:
        def enqueue(self, *args: Any, **kwargs: Any) -> None:
            raise Broken("queue down")

    with monkeypatch.context() as patch:
        patch.setattr("accountlink.kit.notify.send.deliver_message", Refusing())
        with pytest.raises(Broken):
            actions.do_confirm_contact_change(business_account, new, code)
    account = BusinessAccount.objects.get(pk=business_account.pk)
    assert account.email == "sakura.biz@example.com"
    assert not AuditEvent.objects.filter(kind=EventKind.EMAIL_CHANGED).exists()

    # Nothing was half-done: the same code still confirms the change once the queue is back.
    actions.do_confirm_contact_change(account, new, code)
    assert BusinessAccount.objects.get(pk=business_account.pk).email == "sakura.new@example.com"
    run_tasks()
    assert "was changed" in sent.last("sakura.biz@example.com").subject


def test_every_change_made_through_the_pages_is_on_security_activity(client: Any, sent: Any, run_tasks: Any) -> None:
    client.post(reverse("business:signup"), {"contact": "aiko.biz@example.com", "password": "a-long-password-1"})
    run_tasks()
    client.post(reverse("business:signup_verify"), {"code": sent.code_for("aiko.biz@example.com")})
    client.post(reverse("business:personal_information"), {"display_name": "Aiko"})
    client.post(
        reverse("business:change_contact", kwargs={"kind": "phone"}),
        {"value": "+819011112222", "current_password": "a-long-password-1"},
    )
    run_tasks()
    client.post(reverse("business:verify_contact", kwargs={"kind": "phone"}), {"code": sent.code_for("+819011112222")})
    client.post(
        reverse("business:change_password"), {"current_password": "a-long-password-1", "new_password": NEW_PASSWORD}
    )
    client.post(reverse("business:create_ad_account"), {"name": "Shop", "currency": "USD", "time_zone": "Asia/Tokyo"})
    client.post(reverse("business:set_language"), {"language": "es"})
    client.post(reverse("business:logout"))
    log_in(client, "+819011112222", NEW_PASSWORD)

    page = client.get(reverse("business:security_activity"), headers={"accept-language": "en"}).content.decode()
    for kind in [
        EventKind.ACCOUNT_CREATED,
        EventKind.CODE_SENT,
        EventKind.CONTACT_VERIFIED,
        EventKind.LOGIN,
        EventKind.PROFILE_CHANGED,
        EventKind.PHONE_CHANGED,
        EventKind.PASSWORD_CHANGED,
        EventKind.AD_ACCOUNT_CREATED,
        EventKind.LANGUAGE_CHANGED,
        EventKind.LOGOUT,
    ]:
        assert f'data-kind="{kind.value}"' in page, kind
