"""Loop's support console (DESIGN §4.6, R7; issue 5): finding accounts, what an agent sees about one,
suspending and restoring with a reason, and deciding appeals and "can't log in" cases."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accountlink.consumer.accounts import actions as account_actions
from accountlink.consumer.accounts.models import AccountStatus
from accountlink.consumer.oauth.actions import do_remove_app_access
from accountlink.consumer.webhooks.models import WebhookDelivery
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.support.models import CaseStatus, RecoveryLink, SupportCase
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import grant_permission, register

pytestmark = pytest.mark.django_db

REPLY = "helper@example.net"


def contact_support(kind: str, identifier: str, message: str = "It is my account, please help.") -> SupportCase:
    """The requester sends the public Contact support form, as a visitor who is not logged in."""
    response = HttpClient().post(
        reverse("loop:contact_support"),
        {"kind": kind, "requester_name": "Yuki Ito", "identifier": identifier, "reply_to": REPLY, "message": message},
    )
    assert response.status_code == 302, response.content[:500]
    return SupportCase.objects.order_by("-pk")[0]


def page_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def found_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-account="(\d+)"', page)]


def reason_error(page: str) -> bool:
    return (
        'data-error-code="support.reason_required"' in page
        and "Write down the reason for this action. It is kept in the audit log." in page
    )


def sent_to(outbox: Any, run_tasks: Any, to: str) -> Any:
    run_tasks()
    return outbox.last(to)


# -- search ---------------------------------------------------------------------------------------


def search(agent_browser: HttpClient, text: str) -> str:
    return page_of(agent_browser.get(reverse("loop:staff_home"), {"q": text}))


@pytest.mark.parametrize("text", ["sakura", "@sakura", "@Sakura"])
def test_search_finds_an_account_by_handle_with_or_without_the_at(
    agent_browser: HttpClient, loop_account: Any, make_loop_account: Any, text: str
) -> None:
    make_loop_account(handle="kenji")
    page = search(agent_browser, text)
    assert found_ids(page) == [loop_account.pk]
    assert "@sakura" in page and "Sakura Tanaka" in page and "sakura@example.com" in page


def test_search_finds_an_account_by_email_in_any_case(agent_browser: HttpClient, loop_account: Any) -> None:
    assert found_ids(search(agent_browser, "  SAKURA@Example.com ")) == [loop_account.pk]


@pytest.mark.parametrize("text", ["+819012345678", "+81 90-1234-5678", "090 1234 5678", "(090) 1234-5678"])
def test_search_finds_an_account_by_phone_number_in_any_format(
    agent_browser: HttpClient, loop_account: Any, text: str
) -> None:
    assert found_ids(search(agent_browser, text)) == [loop_account.pk]


def test_search_finds_an_account_by_its_id(agent_browser: HttpClient, loop_account: Any) -> None:
    assert found_ids(search(agent_browser, str(loop_account.pk)))[0] == loop_account.pk


def test_search_also_lists_handles_that_start_with_the_text_after_exact_matches(
    agent_browser: HttpClient, make_loop_account: Any
) -> None:
    exact = make_loop_account(handle="ren")
    longer = make_loop_account(handle="renata")
    make_loop_account(handle="aiko")
    assert found_ids(search(agent_browser, "ren")) == [exact.pk, longer.pk]


def test_search_says_when_nothing_matches(agent_browser: HttpClient, loop_account: Any) -> None:
    page = search(agent_browser, "nobody@example.org")
    assert found_ids(page) == []
    assert "No account matches “nobody@example.org”." in page


def test_the_home_page_lists_open_cases_newest_first_and_links_to_the_webhook_log(
    agent_browser: HttpClient, suspended_account: Any, agent: Any
) -> None:
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=3), tick=False):
        older = contact_support("recovery", "someone-unknown")
    with time_machine.travel(now - timedelta(minutes=5), tick=False):
        newer = contact_support("appeal", "yuki")
    decided = contact_support("appeal", "yuki")
    agent_browser.post(reverse("loop:staff_case_decline", args=[decided.pk]), {"reason": "Duplicate of an open appeal"})

    page = page_of(agent_browser.get(reverse("loop:staff_home")))

    assert re.findall(r'data-case="(\d+)"', page) == [str(newer.pk), str(older.pk)]
    newer_row = page[page.index(f'data-case="{newer.pk}"') : page.index(f'data-case="{older.pk}"')]
    older_row = page[page.index(f'data-case="{older.pk}"') :]
    assert newer.reference in newer_row and "Suspension appeal" in newer_row and "Yuki Ito" in newer_row
    assert "@yuki" in newer_row and "5\xa0minutes ago" in newer_row
    assert "Can&#x27;t log in" in older_row and "None found" in older_row and "3\xa0hours ago" in older_row
    assert f'href="{reverse("loop:staff_case", args=[newer.pk])}"' in newer_row
    assert 'Open support cases <span class="count">(2)</span>' in page
    assert f'href="{reverse("loop:staff_webhooks")}"' in page


# -- one account ----------------------------------------------------------------------------------


def test_the_account_page_shows_who_the_holder_is(agent_browser: HttpClient, loop_account: Any) -> None:
    page = page_of(agent_browser.get(reverse("loop:staff_account", args=[loop_account.pk])))
    for shown in (
        "@sakura",
        "Sakura Tanaka",
        "sakura@example.com",
        "+819012345678",
        "Jan. 1, 1990",
        f"{loop_account.age} years old",
        "Personal account",
        "Account holder",
    ):
        assert shown in page, shown
    assert 'data-status="active"' in page


def test_the_account_page_shows_the_suspension_reason_and_a_support_agents_role(
    agent_browser: HttpClient, suspended_account: Any, agent: Any
) -> None:
    page = page_of(agent_browser.get(reverse("loop:staff_account", args=[suspended_account.pk])))
    assert 'data-status="suspended"' in page and "Reason: Spam reports" in page
    assert "Support agent" in page_of(agent_browser.get(reverse("loop:staff_account", args=[agent.pk])))


def test_the_account_page_shows_app_permissions_deliveries_activity_and_cases(
    agent_browser: HttpClient, loop_account: Any, agent: Any
) -> None:
    kept = register("Loop for Business")
    removed = register("Photo Printer")
    grant_permission(loop_account, kept, ["user.info.basic"])
    grant_permission(loop_account, removed, ["user.info.basic"])
    do_remove_app_access(loop_account, removed.client, actor=loop_account)
    delivery = WebhookDelivery.objects.get()
    case = contact_support("recovery", "sakura@example.com")

    page = page_of(agent_browser.get(reverse("loop:staff_account", args=[loop_account.pk])))

    apps = page[page.index("App permissions") : page.index("Support cases</h2>")]
    assert "Loop for Business" in apps and "Photo Printer" not in apps
    assert "Access since" in apps and "Your name and profile photo (<code>user.info.basic</code>)" in apps
    deliveries = page[page.index("Webhook deliveries</h2>") : page.index("Security activity</h2>")]
    assert f'href="{reverse("loop:staff_webhook", args=[delivery.pk])}"' in deliveries
    assert "Photo Printer" in deliveries and "1 · The account holder removed the app" in deliveries
    assert f'href="{reverse("loop:staff_case", args=[case.pk])}"' in page and case.reference in page
    activity = page[page.index("Security activity</h2>") :]
    assert 'data-kind="oauth.access_removed"' in activity and 'data-kind="support.case_opened"' in activity
    assert "(support)" not in activity  # every change so far was the holder's own


def test_the_account_page_lists_only_its_own_deliveries_and_cases(
    agent_browser: HttpClient, loop_account: Any, make_loop_account: Any
) -> None:
    other = make_loop_account()
    app = register()
    grant_permission(other, app, ["user.info.basic"])
    do_remove_app_access(other, app.client, actor=other)
    contact_support("recovery", other.handle)

    page = page_of(agent_browser.get(reverse("loop:staff_account", args=[loop_account.pk])))

    assert "data-delivery=" not in page and "data-case=" not in page
    assert "No webhook deliveries about this account." in page and "No support cases about this account." in page


def test_an_agent_suspends_an_account_with_a_reason(
    agent_browser: HttpClient, loop_account: Any, agent: Any, outbox: Any, run_tasks: Any
) -> None:
    holder = HttpClient()
    holder.force_login(loop_account)

    response = agent_browser.post(
        reverse("loop:staff_account_suspend", args=[loop_account.pk]), {"reason": "Selling followers"}, follow=True
    )

    page = page_of(response)
    assert "The account is suspended. Its holder was logged out and told." in page
    assert "Reason: Selling followers" in page
    loop_account.refresh_from_db()
    assert (loop_account.status, loop_account.status_reason) == (AccountStatus.SUSPENDED, "Selling followers")
    event = AuditEvent.objects.get(account=loop_account, kind=EventKind.ACCOUNT_SUSPENDED)
    assert event.actor == agent and event.data["reason"] == "Selling followers"
    assert "by @agent (support)" in page
    assert "suspended" in sent_to(outbox, run_tasks, "sakura@example.com").subject
    assert holder.get(reverse("loop:profile")).status_code == 302  # logged out


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_suspending_without_a_reason_changes_nothing(
    agent_browser: HttpClient, loop_account: Any, reason: str, outbox: Any, run_tasks: Any
) -> None:
    response = agent_browser.post(reverse("loop:staff_account_suspend", args=[loop_account.pk]), {"reason": reason})

    assert reason_error(page_of(response))
    loop_account.refresh_from_db()
    assert loop_account.status == AccountStatus.ACTIVE
    assert not AuditEvent.objects.filter(kind=EventKind.ACCOUNT_SUSPENDED).exists()
    run_tasks()
    assert outbox.messages("sakura@example.com") == []


def test_an_agent_restores_a_suspended_account_with_a_reason(
    agent_browser: HttpClient, suspended_account: Any, agent: Any, outbox: Any, run_tasks: Any
) -> None:
    page = page_of(agent_browser.get(reverse("loop:staff_account", args=[suspended_account.pk])))
    assert 'data-action="restore"' in page and 'data-action="suspend"' not in page

    response = agent_browser.post(
        reverse("loop:staff_account_restore", args=[suspended_account.pk]),
        {"reason": "Reports were mistaken"},
        follow=True,
    )

    assert "The account is restored. Its holder was told." in page_of(response)
    suspended_account.refresh_from_db()
    assert (suspended_account.status, suspended_account.status_reason) == (AccountStatus.ACTIVE, "")
    event = AuditEvent.objects.get(account=suspended_account, kind=EventKind.ACCOUNT_RESTORED)
    assert event.actor == agent and event.data["reason"] == "Reports were mistaken"
    assert "restored" in sent_to(outbox, run_tasks, "yuki@example.com").subject


def test_restoring_without_a_reason_changes_nothing(agent_browser: HttpClient, suspended_account: Any) -> None:
    response = agent_browser.post(reverse("loop:staff_account_restore", args=[suspended_account.pk]), {"reason": " "})
    assert reason_error(page_of(response))
    suspended_account.refresh_from_db()
    assert suspended_account.status == AccountStatus.SUSPENDED
    assert not AuditEvent.objects.filter(kind=EventKind.ACCOUNT_RESTORED).exists()


def test_an_active_account_cannot_be_restored_nor_a_deleted_one_suspended(
    agent_browser: HttpClient, loop_account: Any, make_loop_account: Any
) -> None:
    url = reverse("loop:staff_account_restore", args=[loop_account.pk])
    response = agent_browser.post(url, {"reason": "Why not"}, follow=True)
    assert 'data-error-code="request.invalid"' in page_of(response)
    deleted = make_loop_account()
    account_actions.do_delete_account(deleted, actor=deleted, reason="Holder asked")
    page = page_of(agent_browser.get(reverse("loop:staff_account", args=[deleted.pk])))
    assert "This account is deleted. It can't be suspended or restored." in page
    assert 'data-action="suspend"' not in page and 'data-action="restore"' not in page
    response = agent_browser.post(
        reverse("loop:staff_account_suspend", args=[deleted.pk]), {"reason": "Spam"}, follow=True
    )
    assert 'data-error-code="request.invalid"' in page_of(response)
    deleted.refresh_from_db()
    assert deleted.status == AccountStatus.DELETED
    assert not AuditEvent.objects.filter(kind__in=[EventKind.ACCOUNT_SUSPENDED, EventKind.ACCOUNT_RESTORED]).exists()


# -- cases ----------------------------------------------------------------------------------------


def test_the_case_page_shows_the_request(agent_browser: HttpClient, suspended_account: Any) -> None:
    case = contact_support("appeal", "@Yuki", message="Those were my own photos.\nPlease look again.")
    page = page_of(agent_browser.get(reverse("loop:staff_case", args=[case.pk])))
    assert f"Case {case.reference}" in page and "Suspension appeal" in page and 'data-status="open"' in page
    assert "Yuki Ito" in page and REPLY in page and "<code>@Yuki</code>" in page
    assert "Those were my own photos.\nPlease look again." in page
    assert f'href="{reverse("loop:staff_account", args=[suspended_account.pk])}">@yuki</a>' in page
    assert "No evidence recorded yet." in page
    for action in ("evidence", "restore", "decline"):
        assert f'data-action="{action}"' in page
    assert ">Keep suspension</button>" in page and ">Restore account</button>" in page
    assert "<dd>English</dd>" in page  # the requester's language, by name


def test_a_case_naming_no_account_says_so(agent_browser: HttpClient) -> None:
    case = contact_support("appeal", "not-an-account")
    page = page_of(agent_browser.get(reverse("loop:staff_case", args=[case.pk])))
    assert "No account matches what the requester typed." in page
    assert 'data-action="restore"' not in page and "No account is matched, so it can't be restored" in page


def test_an_agent_records_evidence(agent_browser: HttpClient, loop_account: Any, agent: Any) -> None:
    case = contact_support("recovery", "sakura")
    url = reverse("loop:staff_case_evidence", args=[case.pk])

    agent_browser.post(url, {"evidence": "Knew the date the account was created."})
    response = agent_browser.post(url, {"evidence": "Named the last three videos."}, follow=True)

    page = page_of(response)
    assert "The evidence is recorded." in page
    assert "Knew the date the account was created.\nNamed the last three videos." in page
    events = AuditEvent.objects.filter(kind=EventKind.SUPPORT_EVIDENCE_RECORDED, account=loop_account)
    assert [(e.actor, e.data["evidence"]) for e in events] == [
        (agent, "Named the last three videos."),
        (agent, "Knew the date the account was created."),
    ]


def test_empty_evidence_is_refused(agent_browser: HttpClient, loop_account: Any) -> None:
    case = contact_support("recovery", "sakura")
    page = page_of(agent_browser.post(reverse("loop:staff_case_evidence", args=[case.pk]), {"evidence": "  "}))
    assert 'data-error-code="support.reason_required"' in page
    case.refresh_from_db()
    assert case.evidence == ""


def test_restoring_on_an_appeal_restores_the_account_and_tells_the_requester(
    agent_browser: HttpClient, suspended_account: Any, agent: Any, outbox: Any, run_tasks: Any
) -> None:
    case = contact_support("appeal", "yuki")

    response = agent_browser.post(
        reverse("loop:staff_case_restore", args=[case.pk]), {"reason": "The reports were mistaken."}, follow=True
    )

    page = page_of(response)
    assert "The account is restored and the requester was told." in page
    assert 'data-decision="approved"' in page and "@agent" in page and "The reports were mistaken." in page
    assert "data-action=" not in page  # a decided case offers no forms
    suspended_account.refresh_from_db()
    assert suspended_account.status == AccountStatus.ACTIVE
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.decision_reason) == (
        CaseStatus.APPROVED,
        agent,
        "The reports were mistaken.",
    )
    event = AuditEvent.objects.get(account=suspended_account, kind=EventKind.ACCOUNT_RESTORED)
    assert event.actor == agent and event.data == {"reason": "The reports were mistaken.", "case": case.pk}
    answer = sent_to(outbox, run_tasks, REPLY)
    assert answer.subject == f"Your appeal {case.reference} was accepted"
    assert "Note from our team: The reports were mistaken." in answer.body
    login = HttpClient().post(reverse("loop:login"), {"identifier": "yuki", "password": PASSWORD})
    assert login.status_code == 302 and "_auth_user_id" in login.client.session


def test_keeping_the_suspension_declines_the_appeal_and_tells_the_requester(
    agent_browser: HttpClient, suspended_account: Any, agent: Any, outbox: Any, run_tasks: Any
) -> None:
    case = contact_support("appeal", "yuki")

    response = agent_browser.post(
        reverse("loop:staff_case_decline", args=[case.pk]), {"reason": "The spam came from this account."}, follow=True
    )

    page = page_of(response)
    assert "The suspension is kept and the requester was told." in page and 'data-decision="declined"' in page
    suspended_account.refresh_from_db()
    assert suspended_account.status == AccountStatus.SUSPENDED
    case.refresh_from_db()
    assert (case.status, case.decided_by) == (CaseStatus.DECLINED, agent)
    event = AuditEvent.objects.get(kind=EventKind.SUPPORT_CASE_DECLINED)
    assert event.actor == agent and event.data["reason"] == "The spam came from this account."
    answer = sent_to(outbox, run_tasks, REPLY)
    assert answer.subject == f"An update on your request {case.reference}"
    assert "The spam came from this account." in answer.body


def test_deciding_an_appeal_without_a_reason_changes_nothing(
    agent_browser: HttpClient, suspended_account: Any, outbox: Any, run_tasks: Any
) -> None:
    case = contact_support("appeal", "yuki")
    run_tasks()
    before = len(outbox.messages(REPLY))
    for name in ("loop:staff_case_restore", "loop:staff_case_decline"):
        assert reason_error(page_of(agent_browser.post(reverse(name, args=[case.pk]), {"reason": ""})))
    case.refresh_from_db()
    suspended_account.refresh_from_db()
    assert case.status == CaseStatus.OPEN and suspended_account.status == AccountStatus.SUSPENDED
    run_tasks()
    assert len(outbox.messages(REPLY)) == before


def test_an_appeal_for_an_account_that_is_not_suspended_offers_no_restore(
    agent_browser: HttpClient, loop_account: Any
) -> None:
    case = contact_support("appeal", "sakura")
    page = page_of(agent_browser.get(reverse("loop:staff_case", args=[case.pk])))
    assert 'data-action="restore"' not in page and "The matched account is not suspended" in page
    response = agent_browser.post(
        reverse("loop:staff_case_restore", args=[case.pk]), {"reason": "Restore anyway"}, follow=True
    )
    assert 'data-error-code="request.invalid"' in page_of(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not AuditEvent.objects.filter(kind=EventKind.ACCOUNT_RESTORED).exists()


def test_approving_a_recovery_case_sends_a_link_to_the_reply_address(
    agent_browser: HttpClient, make_loop_account: Any, agent: Any, outbox: Any, run_tasks: Any
) -> None:
    lost = make_loop_account(handle="lost", email=None, phone=None)
    case = contact_support("recovery", "@lost")
    page = page_of(agent_browser.get(reverse("loop:staff_case", args=[case.pk])))
    assert 'name="account" value="@lost"' in page and ">Approve and send link</button>" in page
    assert 'data-action="restore"' not in page and ">Decline</button>" in page
    agent_browser.post(reverse("loop:staff_case_evidence", args=[case.pk]), {"evidence": "Sent the original receipt."})

    response = agent_browser.post(
        reverse("loop:staff_case_approve", args=[case.pk]), {"account": "@lost", "reason": "Receipt matches"}
    )

    assert response.status_code == 302
    assert "The recovery link was sent to the requester." in page_of(agent_browser.get(response["Location"]))
    case.refresh_from_db()
    assert (case.status, case.account, case.decided_by) == (CaseStatus.APPROVED, lost, agent)
    event = AuditEvent.objects.get(kind=EventKind.RECOVERY_APPROVED)
    assert (event.account, event.actor, event.data["reason"]) == (lost, agent, "Receipt matches")
    message = sent_to(outbox, run_tasks, REPLY)
    assert message.subject == "Get back into your Loop account"
    link = re.search(r"(http\S+)", message.body)
    assert link is not None and link.group(1).startswith(settings.ACCOUNTLINK_SITE_URL.rstrip("/") + "/")
    follow = HttpClient().get(urlsplit(link.group(1)).path)
    assert follow.status_code == 302 and follow["Location"] == reverse("loop:recover_contact")
    assert RecoveryLink.objects.get().account == lost


def test_the_agent_can_send_the_link_for_another_account_than_the_one_matched(
    agent_browser: HttpClient, make_loop_account: Any, loop_account: Any
) -> None:
    case = contact_support("recovery", "someone-unknown")
    agent_browser.post(reverse("loop:staff_case_evidence", args=[case.pk]), {"evidence": "Video call, showed ID."})
    agent_browser.post(
        reverse("loop:staff_case_approve", args=[case.pk]), {"account": "+81 90 1234 5678", "reason": "OK"}
    )
    case.refresh_from_db()
    assert (case.status, case.account) == (CaseStatus.APPROVED, loop_account)


def test_a_refused_approval_keeps_what_the_agent_typed(agent_browser: HttpClient, make_loop_account: Any) -> None:
    make_loop_account(handle="lost", email=None, phone=None)
    case = contact_support("recovery", "lost")
    url = reverse("loop:staff_case_approve", args=[case.pk])

    page = page_of(agent_browser.post(url, {"account": "@lost", "reason": "Looks right to me"}))
    assert 'data-error-code="support.evidence_required"' in page
    assert 'value="@lost"' in page and "Looks right to me</textarea>" in page

    page = page_of(agent_browser.post(url, {"account": "@nobody-at-all", "reason": "Looks right to me"}))
    assert "No account matches this. Check it, or search for the account." in page
    assert 'value="@nobody-at-all"' in page

    page = page_of(agent_browser.post(url, {"account": "", "reason": "Looks right to me"}))
    assert 'data-error-code="support.no_account"' in page
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not RecoveryLink.objects.exists()


def test_a_decided_case_shows_the_decision_and_cannot_be_decided_again(
    agent_browser: HttpClient, suspended_account: Any, agent: Any, outbox: Any, run_tasks: Any
) -> None:
    case = contact_support("appeal", "yuki")
    agent_browser.post(reverse("loop:staff_case_decline", args=[case.pk]), {"reason": "Spam confirmed."})
    run_tasks()
    sent_before = len(outbox.messages(REPLY))

    page = page_of(agent_browser.get(reverse("loop:staff_case", args=[case.pk])))
    assert 'data-decision="declined"' in page and "Spam confirmed." in page and "@agent" in page
    assert '<form method="post" action="/staff/cases/' not in page

    for name, data in (
        ("loop:staff_case_restore", {"reason": "Changed my mind"}),
        ("loop:staff_case_decline", {"reason": "Again"}),
        ("loop:staff_case_evidence", {"evidence": "More"}),
    ):
        response = agent_browser.post(reverse(name, args=[case.pk]), data, follow=True)
        page = page_of(response)
        assert 'data-error-code="support.case_closed"' in page and "This case has already been decided." in page

    case.refresh_from_db()
    suspended_account.refresh_from_db()
    assert (case.status, case.decision_reason, case.evidence) == (CaseStatus.DECLINED, "Spam confirmed.", "")
    assert suspended_account.status == AccountStatus.SUSPENDED
    run_tasks()
    assert len(outbox.messages(REPLY)) == sent_before


def test_a_recovery_case_cannot_be_granted_as_an_appeal_nor_an_appeal_approved_as_recovery(
    agent_browser: HttpClient, loop_account: Any
) -> None:
    account_actions.do_suspend_account(loop_account, reason="Review")
    recovery = contact_support("recovery", "sakura")
    appeal = contact_support("appeal", "sakura")
    agent_browser.post(reverse("loop:staff_case_evidence", args=[appeal.pk]), {"evidence": "Knows the password"})

    assert (
        agent_browser.post(reverse("loop:staff_case_restore", args=[recovery.pk]), {"reason": "R"}).status_code == 404
    )
    response = agent_browser.post(
        reverse("loop:staff_case_approve", args=[appeal.pk]), {"account": "sakura", "reason": "R"}
    )
    assert response.status_code == 404

    loop_account.refresh_from_db()
    assert loop_account.status == AccountStatus.SUSPENDED
    assert [case.status for case in SupportCase.objects.all()] == [CaseStatus.OPEN, CaseStatus.OPEN]
    assert not RecoveryLink.objects.exists()
