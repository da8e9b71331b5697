"""Managed accounts (DESIGN §4.6, R3, R7, R8; issue 5): their holders cannot unlink them; their account
manager unlinks them from the console with a recorded reason, exactly as a holder's unlink ends a link."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.support import actions as console_actions
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import CodedError, ErrorCode
from tests.business.fake_loop import FakeLoop, LoopPerson, live_access_tokens, live_refresh_tokens
from tests.business.pages import PERSONAL, UNLINK, dialog_of, link_in_new_browser, send_code

pytestmark = pytest.mark.django_db

MANAGED = "/staff/managed/"
REASON = "The holder left the company; the client asked us to unlink."


def managed_url(account: BusinessAccount, action: str = "") -> str:
    path = reverse("business:staff_managed_account", args=[account.pk])
    return f"{path}{action}/" if action else path


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def error_codes(response: Any) -> list[str]:
    return re.findall(r'data-error-code="([^"]+)"', response.content.decode())


@pytest.fixture
def ren(fake_loop: FakeLoop) -> LoopPerson:
    return fake_loop.person("ren", "Ren Kato")


@pytest.fixture
def managed(make_business_account: Any, manager: BusinessAccount) -> BusinessAccount:
    return make_business_account(email="managed@example.com", display_name="Ren's Shop", account_manager=manager)


@pytest.fixture
def holder(managed: BusinessAccount, fake_loop: FakeLoop, ren: LoopPerson) -> HttpClient:
    """The managed account's holder, signed in, with @ren linked through the real Link flow."""
    return link_in_new_browser(managed, fake_loop, ren)


# -- the list --------------------------------------------------------------------------------------


def test_a_manager_lists_only_their_own_managed_accounts(
    manager_browser: HttpClient,
    manager: BusinessAccount,
    managed: BusinessAccount,
    holder: Any,
    make_business_account: Any,
) -> None:
    unlinked = make_business_account(email="quiet@example.com", display_name="Quiet Shop", account_manager=manager)
    other_manager = make_business_account(email="other.manager@example.com", is_account_manager=True)
    theirs = make_business_account(email="theirs@example.com", account_manager=other_manager)
    self_managed = make_business_account(email="self@example.com")

    page = text(manager_browser.get(MANAGED))

    # By name: Quiet Shop, then Ren's Shop.
    assert re.findall(r'<tr data-account="(\d+)">', page) == [str(unlinked.pk), str(managed.pk)]
    for absent in (theirs, self_managed, manager):
        assert absent.email not in page
    managed_row = page[page.index(f'<tr data-account="{managed.pk}">') :]
    managed_row = managed_row[: managed_row.index("</tr>")]
    assert f'<a href="{managed_url(managed)}">Ren\'s Shop</a>' in managed_row
    assert "managed@example.com" in managed_row and "@ren" in managed_row
    unlinked_row = page[page.index(f'<tr data-account="{unlinked.pk}">') :]
    assert "Not linked" in unlinked_row[: unlinked_row.index("</tr>")]


def test_a_manager_without_managed_accounts_is_told_so(manager_browser: HttpClient) -> None:
    assert "You don't manage any accounts yet." in text(manager_browser.get(MANAGED))


# -- one managed account ---------------------------------------------------------------------------


def test_the_managed_account_page_shows_the_link_and_offers_unlink(
    manager_browser: HttpClient, managed: BusinessAccount, holder: Any
) -> None:
    page = text(manager_browser.get(managed_url(managed)))
    assert "<h1>Ren's Shop</h1>" in page
    assert "managed@example.com" in page and "English" in page
    card = page[page.index('id="loop-account"') :]
    card = card[: card.index("</section>")]
    assert "Ren Kato" in card and "@ren" in card and "Linked since" in card
    assert f'<form method="post" action="{managed_url(managed, "unlink")}"' in card
    assert 'name="reason"' in card
    assert '<button type="submit" class="secondary">Unlink Loop account</button>' in card


def test_an_unlinked_managed_account_offers_nothing_to_unlink(
    manager_browser: HttpClient, managed: BusinessAccount
) -> None:
    page = text(manager_browser.get(managed_url(managed)))
    assert "Not linked to a Loop account." in page
    assert "Unlink Loop account" not in page


def test_the_manager_unlinks_with_a_reason(
    manager_browser: HttpClient,
    manager: BusinessAccount,
    managed: BusinessAccount,
    holder: Any,
    fake_loop: FakeLoop,
    ren: LoopPerson,
    outbox: Any,
    run_tasks: Any,
) -> None:
    link = LoopLink.objects.get(account=managed)
    grant_tokens = live_refresh_tokens(fake_loop, ren) | live_access_tokens(fake_loop, ren)

    response = manager_browser.post(managed_url(managed, "unlink"), {"reason": REASON}, follow=True)

    # The manager sees it done.
    assert response.redirect_chain == [(managed_url(managed), 302)]
    page = text(response)
    assert "The Loop account @ren is no longer linked to Ren's Shop. The account holder has been notified." in page
    assert "Not linked to a Loop account." in page
    # The link is gone and its grant is queued for revocation at Loop (the durable half, R9).
    assert not LoopLink.objects.filter(account=managed).exists()
    revocation = LoopRevocation.objects.get(open_id=ren.open_id)
    assert revocation.reason == "unlinked_by_staff" and revocation.token == link.refresh_token
    # Audited with the manager as the actor and the reason they gave (R7).
    event = AuditEvent.objects.get(account=managed, kind=EventKind.LOOP_UNLINKED)
    assert event.actor == manager
    assert event.data["note"] == REASON and event.data["reason"] == "unlinked_by_staff"
    assert event.data["username"] == "ren"
    # The holder is told (R8), and Loop revokes the grant.
    run_tasks()
    message = outbox.last("managed@example.com")
    assert "Your Loop account is no longer linked" in message.subject
    assert "Your account manager unlinked the Loop account @ren" in message.body
    assert not any(fake_loop.is_active(token) for token in grant_tokens)
    assert LoopRevocation.objects.get().call.done_at is not None
    # The holder's own page shows the link ended and who ended it.
    assert "Link Loop account</button>" in text(holder.get(PERSONAL))
    activity = text(holder.get(reverse("business:security_activity")))
    assert "Account unlinked" in activity and "by support staff" in activity


def test_unlinking_needs_a_reason_and_changes_nothing_without_one(
    manager_browser: HttpClient, managed: BusinessAccount, holder: Any, outbox: Any, run_tasks: Any
) -> None:
    for reason in ("", "   "):
        response = manager_browser.post(managed_url(managed, "unlink"), {"reason": reason})
        assert response.status_code == 200
        assert error_codes(response) == [ErrorCode.SUPPORT_REASON_REQUIRED]
        assert "Write down the reason for this action. It is kept in the audit log." in text(response)
    assert LoopLink.objects.filter(account=managed).exists()
    assert not LoopRevocation.objects.exists()
    assert not AuditEvent.objects.filter(account=managed, kind=EventKind.LOOP_UNLINKED).exists()
    run_tasks()
    assert not [message for message in outbox.messages("managed@example.com") if "no longer linked" in message.subject]


def test_unlinking_an_account_that_is_no_longer_linked_says_so(
    manager_browser: HttpClient, managed: BusinessAccount, holder: Any
) -> None:
    assert manager_browser.post(managed_url(managed, "unlink"), {"reason": REASON}).status_code == 302
    response = manager_browser.post(managed_url(managed, "unlink"), {"reason": REASON}, follow=True)  # a second tab
    assert response.redirect_chain == [(managed_url(managed), 302)]
    assert error_codes(response) == [ErrorCode.UNLINK_NOT_LINKED]
    page = text(response)
    assert "This account isn't linked to a Loop account." in page
    assert 'name="reason"' not in page
    assert AuditEvent.objects.filter(account=managed, kind=EventKind.LOOP_UNLINKED).count() == 1
    assert LoopRevocation.objects.count() == 1


def test_the_unlink_action_refuses_accounts_the_manager_does_not_manage(
    manager: BusinessAccount, make_business_account: Any, fake_loop: FakeLoop
) -> None:
    other_manager = make_business_account(email="other.manager@example.com", is_account_manager=True)
    theirs = make_business_account(email="theirs@example.com", account_manager=other_manager)
    self_managed = make_business_account(email="self@example.com")
    for account in (theirs, self_managed):
        link_in_new_browser(account, fake_loop, fake_loop.person(account.email.split("@")[0]))
        with pytest.raises(CodedError) as refused:
            console_actions.do_unlink_managed_account(account, manager=manager, reason=REASON)
        assert refused.value.code == ErrorCode.NOT_FOUND
        assert LoopLink.objects.filter(account=account).exists()
    assert not LoopRevocation.objects.exists()


# -- the holder's side -----------------------------------------------------------------------------


def test_the_holder_of_a_managed_account_is_sent_to_the_manager(
    holder: HttpClient, managed: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    page = text(holder.get(PERSONAL))
    assert "@ren" in page and "Unlink Loop account</button>" in page

    response = holder.get(UNLINK)

    assert response.status_code == 200
    dialog = html.unescape(dialog_of(response.content.decode()))
    assert 'data-error-code="unlink.managed_account"' in dialog
    assert (
        "This account is managed. Contact your account manager, Mina Manager (manager@example.com), to unlink it."
        in dialog
    )
    assert '<a href="mailto:manager@example.com">manager@example.com</a>' in dialog
    # No code flow: nothing to choose, no code sent, nothing unlinked even when the form is posted anyway.
    assert "Send code" not in dialog and 'name="contact"' not in dialog
    assert error_codes(send_code(holder, "email")) == ["unlink.managed_account"]
    run_tasks()
    assert [message.subject for message in outbox.messages("managed@example.com")] == [
        "Your Loop account is now linked"
    ]
    assert not AuditEvent.objects.filter(account=managed, kind=EventKind.CODE_SENT).exists()
    assert LoopLink.objects.filter(account=managed).exists()


def test_the_holder_cannot_open_the_managers_console(holder: HttpClient, managed: BusinessAccount) -> None:
    assert holder.get(MANAGED).status_code == 403
    response = holder.post(managed_url(managed, "unlink"), {"reason": "I want out"})
    assert response.status_code == 403
    assert "Access denied" in text(response)
    assert LoopLink.objects.filter(account=managed).exists()
