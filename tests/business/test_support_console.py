"""The support agents' console on Loop for Business (DESIGN §4.6, R7; issue 5), over HTTP.

An agent finds an account by any key a requester might give, sees everything support needs about
it, and decides recovery cases: evidence, then a single-use link to the reply address, or a decline.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.reconciliation import do_reconcile_links
from accountlink.business.linking.actions.unlink import do_end_link_by_staff
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.outbound.actions import RETRY_WINDOW, do_attempt_call
from accountlink.kit.outbound.models import CallStatus, OutboundCall
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.models import CaseKind, CaseStatus, RecoveryLink, SupportCase
from tests.business.fake_loop import FakeLoop, LoopPerson, deliver, notice
from tests.staff_helpers import staff_client

pytestmark = pytest.mark.django_db

HOME = "/staff/"
REPLY = "owner.personal@example.net"


def account_url(account: BusinessAccount) -> str:
    return reverse("business:staff_account", args=[account.pk])


def case_url(case: SupportCase, action: str = "") -> str:
    path = reverse("business:staff_case", args=[case.pk])
    return f"{path}{action}/" if action else path


def open_case(account: BusinessAccount | None, identifier: str = "@kenji", name: str = "Kenji Sato") -> SupportCase:
    """What Contact support does when a requester sends the form."""
    return support_actions.do_open_case(
        kind=CaseKind.RECOVERY,
        account=account,
        identifier=identifier,
        requester_name=name,
        reply_to=Contact(Channel.EMAIL, REPLY),
        message="I made the account with Loop and can't get in any more.",
        language="en",
    )


def result_ids(response: Any) -> list[int]:
    assert response.status_code == 200
    return [int(found) for found in re.findall(r'<tr data-account="(\d+)">', response.content.decode())]


def error_codes(response: Any) -> list[str]:
    return re.findall(r'data-error-code="([^"]+)"', response.content.decode())


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


# -- finding an account ----------------------------------------------------------------------------


def test_search_by_email_ignores_case_and_spaces(
    agent_browser: HttpClient, linked_account: BusinessAccount, make_business_account: Any
) -> None:
    make_business_account(email="someone.else@example.com")
    response = agent_browser.get(HOME, {"q": "  Sakura.Biz@Example.com "})
    assert result_ids(response) == [linked_account.pk]
    page = text(response)
    assert "Accounts matching “Sakura.Biz@Example.com”" in page
    assert f'<a href="{account_url(linked_account)}">Sakura Tanaka</a>' in page
    assert "@sakura" in page


@pytest.mark.parametrize("typed", ["+81 90-1234-5678", "+819012345678", "(+81) 90 1234 5678"])
def test_search_by_phone_in_any_usual_format(
    agent_browser: HttpClient, linked_account: BusinessAccount, typed: str
) -> None:
    assert result_ids(agent_browser.get(HOME, {"q": typed})) == [linked_account.pk]


def test_search_by_a_national_phone_number_uses_the_agents_language(
    agent: BusinessAccount, linked_account: BusinessAccount
) -> None:
    browser = staff_client(agent)
    # Read as a Japanese number by an agent working in Japanese; as a US number otherwise.
    assert result_ids(browser.get(HOME, {"q": "090-1234-5678"}, headers={"accept-language": "ja"})) == [
        linked_account.pk
    ]
    assert result_ids(browser.get(HOME, {"q": "090-1234-5678"}, headers={"accept-language": "en"})) == []


@pytest.mark.parametrize("prefix", ["", "#"])
def test_search_by_account_id(
    agent_browser: HttpClient, linked_account: BusinessAccount, make_business_account: Any, prefix: str
) -> None:
    other = make_business_account()
    assert result_ids(agent_browser.get(HOME, {"q": f"{prefix}{other.pk}"})) == [other.pk]
    assert result_ids(agent_browser.get(HOME, {"q": f"{prefix}{linked_account.pk}"})) == [linked_account.pk]


@pytest.mark.parametrize("typed", ["@sakura", "sakura", "@Sakura"])
def test_search_by_the_linked_loop_handle(
    agent_browser: HttpClient, linked_account: BusinessAccount, typed: str
) -> None:
    assert result_ids(agent_browser.get(HOME, {"q": typed})) == [linked_account.pk]


def test_search_finds_an_account_without_email_or_phone_by_its_handle(
    agent_browser: HttpClient, locked_out: BusinessAccount
) -> None:
    response = agent_browser.get(HOME, {"q": "@kenji"})
    assert result_ids(response) == [locked_out.pk]
    assert "Kenji Sato" in text(response)


@pytest.mark.parametrize("typed", ["nobody@example.com", "@nobody", "99999", "+81 90 0000 0000", "not a thing"])
def test_search_without_a_match_says_so(agent_browser: HttpClient, linked_account: BusinessAccount, typed: str) -> None:
    response = agent_browser.get(HOME, {"q": typed})
    assert result_ids(response) == []
    assert "No account matches this." in text(response)


def test_an_empty_search_shows_only_the_cases(agent_browser: HttpClient, linked_account: BusinessAccount) -> None:
    page = text(agent_browser.get(HOME, {"q": "  "}))
    assert "Accounts matching" not in page
    assert "Open support cases" in page


# -- the account page ------------------------------------------------------------------------------


def test_the_account_page_shows_the_account_and_its_link(
    agent_browser: HttpClient, linked_account: BusinessAccount, make_business_account: Any
) -> None:
    page = text(agent_browser.get(account_url(linked_account)))
    assert "<title>Sakura Tanaka · Staff console · Loop for Business</title>" in page
    for shown in ("sakura.biz@example.com", "+819012345678", "English", "Verified", "None (the holder manages it)"):
        assert shown in page
    link = LoopLink.objects.get(account=linked_account)
    card = page[page.index('id="loop-account"') :]
    card = card[: card.index("</section>")]
    assert "Linked Loop account" in card
    assert "@sakura" in card and "Sakura Tanaka" in card and "Linked since" in card
    assert "<code>user.info.basic</code>" in card and "<code>user.info.profile</code>" in card
    assert link.open_id in card
    # Tokens never reach a page.
    assert link.access_token not in page and link.refresh_token not in page


def test_the_account_page_shows_roles_and_the_account_manager(
    agent_browser: HttpClient, make_business_account: Any
) -> None:
    manager = make_business_account(
        email="mina@example.com", display_name="Mina Manager", is_account_manager=True, is_support_agent=True
    )
    managed = make_business_account(email="managed@example.com", account_manager=manager, language="ja")
    page = text(agent_browser.get(account_url(managed)))
    assert "Japanese" in page
    assert f'<a href="{account_url(manager)}">Mina Manager</a> <span class="muted">mina@example.com</span>' in page
    assert "Not linked to a Loop account." in page
    manager_page = text(agent_browser.get(account_url(manager)))
    assert '<span class="badge">Support agent</span>' in manager_page
    assert '<span class="badge">Account manager</span>' in manager_page


def test_the_account_page_shows_revocations_and_notices_from_loop_even_after_the_link_ended(
    agent_browser: HttpClient,
    linked_account: BusinessAccount,
    make_business_account: Any,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    run_tasks: Any,
) -> None:
    manager = make_business_account(email="mina@example.com", display_name="Mina Manager", is_account_manager=True)
    do_end_link_by_staff(linked_account, actor=manager, reason="Holder left the company")
    revocation = LoopRevocation.objects.get(open_id=sakura.open_id)
    fake_loop.down = True
    run_tasks()  # the first try fails: Loop is down
    deliver(notice(sakura.open_id, reason=1))  # Loop's late notice finds no link any more

    page = text(agent_browser.get(account_url(linked_account)))

    assert "Not linked to a Loop account." in page
    revocations = page[page.index("Access revoked at Loop") : page.index("Notices from Loop")]
    assert f'<tr data-revocation="{revocation.pk}">' in revocations
    assert "Unlinked by staff" in revocations and 'data-status="pending"' in revocations
    assert '<td data-label="Attempts">1</td>' in revocations
    assert '<td data-label="Last error">Loop is down</td>' in revocations
    notices = page[page.index("Notices from Loop") : page.index("Support cases")]
    assert "<code>authorization.removed</code>" in notices
    assert "1 · The holder removed access in the app" in notices
    assert 'data-outcome="not_linked">No link to end' in notices

    fake_loop.down = False
    OutboundCall.objects.filter(pk=revocation.call_id).update(next_attempt_at=revocation.created_at)
    do_attempt_call(revocation.call_id)
    assert 'data-status="done"' in text(agent_browser.get(account_url(linked_account)))


def test_the_account_page_shows_security_activity_with_who_did_it(
    agent_browser: HttpClient, linked_account: BusinessAccount, make_business_account: Any
) -> None:
    manager = make_business_account(email="mina@example.com", display_name="Mina Manager", is_account_manager=True)
    do_end_link_by_staff(linked_account, actor=manager, reason="Holder left the company")

    page = text(agent_browser.get(account_url(linked_account)))

    activity = page[page.index('id="activity-title"') :]
    rows = re.findall(r'<tr data-kind="([^"]+)">', activity)
    assert rows[0] == EventKind.LOOP_UNLINKED and EventKind.LOOP_LINKED in rows
    assert len(rows) == AuditEvent.objects.filter(account=linked_account).count()
    unlinked = activity[activity.index(f'<tr data-kind="{EventKind.LOOP_UNLINKED}">') :]
    unlinked = unlinked[: unlinked.index("</tr>")]
    assert f'data-actor="{manager.pk}"><a href="{account_url(manager)}">Mina Manager</a>' in unlinked
    assert "Holder left the company" in unlinked and "unlinked_by_staff" in unlinked
    linked = activity[activity.index(f'<tr data-kind="{EventKind.LOOP_LINKED}">') :]
    assert "Account holder" in linked[: linked.index("</tr>")]


def test_the_account_page_lists_at_most_50_events(agent_browser: HttpClient, linked_account: BusinessAccount) -> None:
    for _ in range(60):
        support_actions.do_open_case(
            kind=CaseKind.RECOVERY,
            account=linked_account,
            identifier="sakura.biz@example.com",
            requester_name="Sakura",
            reply_to=Contact(Channel.EMAIL, REPLY),
            message="Help",
            language="en",
        )
    page = text(agent_browser.get(account_url(linked_account)))
    assert page.count("<tr data-kind=") == 50


# -- open cases ------------------------------------------------------------------------------------


def test_open_cases_are_listed_newest_first_with_the_proof_marker(
    locked_out: BusinessAccount, agent: BusinessAccount, time_machine: Any
) -> None:
    time_machine.move_to("2030-01-01 09:00Z", tick=False)
    older = open_case(None, "someone@example.com", "Someone Else")
    time_machine.move_to("2030-01-01 11:00Z", tick=False)
    proven = open_case(locked_out)
    support_actions.do_record_loop_proof(proven, account=locked_out, handle="kenji")
    time_machine.move_to("2030-01-01 11:30Z", tick=False)
    decided = open_case(None, "x@example.com", "Decided Person")
    support_actions.do_decline_case(decided, actor=agent, reason="Spam")
    time_machine.move_to("2030-01-01 12:00Z", tick=False)

    page = text(staff_client(agent).get(HOME))

    assert re.findall(r'<tr data-case="(\d+)">', page) == [str(proven.pk), str(older.pk)]
    proven_row = page[page.index(f'<tr data-case="{proven.pk}">') :]
    proven_row = proven_row[: proven_row.index("</tr>")]
    assert f'<a href="{case_url(proven)}">{proven.reference}</a>' in proven_row
    assert "Kenji Sato" in proven_row and REPLY in proven_row
    assert "an hour ago" in proven_row
    assert "data-proven-with-loop>Proved with Loop</span>" in proven_row
    older_row = page[page.index(f'<tr data-case="{older.pk}">') :]
    older_row = older_row[: older_row.index("</tr>")]
    assert "3\xa0hours ago" in older_row and "No account matched" in older_row
    assert "Proved with Loop" not in older_row


def test_no_open_cases_says_so(agent_browser: HttpClient) -> None:
    assert "No open support cases." in text(agent_browser.get(HOME))


# -- a case ----------------------------------------------------------------------------------------


def test_the_case_page_shows_the_request(
    agent_browser: HttpClient, locked_out: BusinessAccount, time_machine: Any
) -> None:
    case = open_case(locked_out)
    support_actions.do_record_loop_proof(case, account=locked_out, handle="kenji")

    page = text(agent_browser.get(case_url(case)))

    assert f"<h1>Case {case.reference}</h1>" in page
    assert 'data-status="open">Open</span>' in page
    assert f"data-reply-to>{REPLY}</dd>" in page
    assert "<dd>@kenji</dd>" in page  # what they typed
    assert "data-message>I made the account with Loop and can't get in any more.</pre>" in page
    assert f'data-case-account><a href="{account_url(locked_out)}">Kenji Sato</a>' in page
    assert 'data-proven-with-loop><span class="badge ok">Yes</span> <time' in page
    for form in ("Record evidence", "Approve and send link", "Decline"):
        assert f">{form}</h2>" in page
    # The approve form names the matched account: its ID, since it has no email or phone.
    assert f'name="approve-account" value="{locked_out.pk}"' in page


def test_recording_evidence_adds_it_to_the_case_with_the_agent_in_the_audit(
    agent_browser: HttpClient, agent: BusinessAccount, locked_out: BusinessAccount
) -> None:
    case = open_case(locked_out)

    response = agent_browser.post(
        case_url(case, "evidence"), {"evidence": "Named the ad account and its last invoice."}
    )

    assert response.status_code == 302 and response["Location"] == case_url(case)
    page = text(agent_browser.get(response["Location"]))
    assert "The evidence was recorded." in page
    assert "data-evidence>Named the ad account and its last invoice.</pre>" in page
    event = AuditEvent.objects.get(kind=EventKind.SUPPORT_EVIDENCE_RECORDED)
    assert (event.account, event.actor) == (locked_out, agent)
    assert event.data["evidence"] == "Named the ad account and its last invoice."


def test_evidence_cannot_be_empty(agent_browser: HttpClient, locked_out: BusinessAccount) -> None:
    case = open_case(locked_out)
    response = agent_browser.post(case_url(case, "evidence"), {"evidence": "   "})
    assert response.status_code == 200
    assert error_codes(response) == [ErrorCode.SUPPORT_REASON_REQUIRED]
    case.refresh_from_db()
    assert case.evidence == ""
    assert not AuditEvent.objects.filter(kind=EventKind.SUPPORT_EVIDENCE_RECORDED).exists()


def token_in(outbox: Any, run_tasks: Any) -> str:
    run_tasks()
    match = re.search(r"/support/recover/([^/\s]+)/", outbox.last(REPLY).body)
    assert match is not None, "no recovery link in the message"
    return match.group(1)


def test_approving_sends_a_working_single_use_link_to_the_reply_address(
    agent_browser: HttpClient, agent: BusinessAccount, locked_out: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    case = open_case(locked_out)
    agent_browser.post(case_url(case, "evidence"), {"evidence": "Named the ad account and its last invoice."})

    response = agent_browser.post(
        case_url(case, "approve"), {"approve-account": str(locked_out.pk), "approve-reason": "Evidence matches"}
    )

    assert response.status_code == 302 and response["Location"] == case_url(case)
    page = text(agent_browser.get(case_url(case)))
    assert f"The case is approved. A link to add an email or phone was sent to {REPLY}." in page
    token = token_in(outbox, run_tasks)
    assert f"{settings.ACCOUNTLINK_SITE_URL}/support/recover/{token}/" in outbox.last(REPLY).body
    link = support_actions.check_recovery_link(token)
    assert (link.account, link.case) == (locked_out, case)
    assert RecoveryLink.objects.get().token_hash != token  # only a hash is kept
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.decision_reason) == (CaseStatus.APPROVED, agent, "Evidence matches")
    event = AuditEvent.objects.get(kind=EventKind.RECOVERY_APPROVED)
    assert (event.account, event.actor, event.data["reason"]) == (locked_out, agent, "Evidence matches")
    # The link opens the page where the holder adds an email or phone.
    opened = HttpClient().get(reverse("business:recover", args=[token]))
    assert opened.status_code == 302 and opened["Location"] == reverse("business:recover_contact")


def test_a_case_proven_with_loop_can_be_approved_without_written_evidence(
    agent_browser: HttpClient, locked_out: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    case = open_case(locked_out)
    support_actions.do_record_loop_proof(case, account=locked_out, handle="kenji")
    response = agent_browser.post(
        case_url(case, "approve"), {"approve-account": f"#{locked_out.pk}", "approve-reason": "Logged in with Loop"}
    )
    assert response.status_code == 302
    assert support_actions.check_recovery_link(token_in(outbox, run_tasks)).account == locked_out


def test_approving_for_an_account_found_by_email_when_the_request_matched_none(
    agent_browser: HttpClient, linked_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    case = open_case(None, "my old shop", "Sakura Tanaka")
    page = text(agent_browser.get(case_url(case)))
    assert 'name="approve-account"' in page and 'name="approve-account" value=' not in page
    agent_browser.post(case_url(case, "evidence"), {"evidence": "Called from the number on the invoice."})
    response = agent_browser.post(
        case_url(case, "approve"), {"approve-account": "SAKURA.BIZ@example.com", "approve-reason": "Verified by phone"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.account == linked_account
    assert support_actions.check_recovery_link(token_in(outbox, run_tasks)).account == linked_account


def test_approving_needs_evidence_first(agent_browser: HttpClient, locked_out: BusinessAccount, outbox: Any) -> None:
    case = open_case(locked_out)
    response = agent_browser.post(
        case_url(case, "approve"), {"approve-account": str(locked_out.pk), "approve-reason": "Looks fine"}
    )
    assert response.status_code == 200
    assert error_codes(response) == [ErrorCode.SUPPORT_EVIDENCE_REQUIRED]
    page = text(response)
    assert "Record how the requester proved they own the account before approving the case." in page
    assert 'name="approve-reason" cols="40" rows="3"' in page and ">\nLooks fine</textarea>" in page  # kept
    assert SupportCase.objects.get().status == CaseStatus.OPEN
    assert not RecoveryLink.objects.exists()


def test_approving_needs_a_reason(agent_browser: HttpClient, locked_out: BusinessAccount) -> None:
    case = open_case(locked_out)
    support_actions.do_record_loop_proof(case, account=locked_out, handle="kenji")
    response = agent_browser.post(
        case_url(case, "approve"), {"approve-account": str(locked_out.pk), "approve-reason": " "}
    )
    assert response.status_code == 200
    assert error_codes(response) == [ErrorCode.SUPPORT_REASON_REQUIRED]
    page = text(response)
    assert "Write down the reason for this action. It is kept in the audit log." in page
    assert f'name="approve-account" value="{locked_out.pk}"' in page
    assert SupportCase.objects.get().status == CaseStatus.OPEN
    assert not RecoveryLink.objects.exists()
    assert not AuditEvent.objects.filter(kind=EventKind.RECOVERY_APPROVED).exists()


def test_approving_needs_an_account_that_exists(agent_browser: HttpClient, locked_out: BusinessAccount) -> None:
    case = open_case(None, "???", "Someone")
    support_actions.do_record_evidence(case, actor=None, evidence="Knows the invoice number")
    response = agent_browser.post(case_url(case, "approve"), {"approve-account": "", "approve-reason": "ok"})
    assert error_codes(response) == [ErrorCode.SUPPORT_NO_ACCOUNT]
    response = agent_browser.post(
        case_url(case, "approve"), {"approve-account": "ghost@example.com", "approve-reason": "ok"}
    )
    assert error_codes(response) == ["unknown"]
    assert 'value="ghost@example.com"' in text(response)
    assert "No account matches this. Check it, or search for the account." in text(response)
    assert SupportCase.objects.get().status == CaseStatus.OPEN


def test_declining_tells_the_requester_why(
    agent_browser: HttpClient, agent: BusinessAccount, locked_out: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    case = open_case(locked_out)

    response = agent_browser.post(
        case_url(case, "decline"), {"decline-reason": "We could not confirm the account is yours."}
    )

    assert response.status_code == 302
    assert f"The case is declined. The reason was sent to {REPLY}." in text(agent_browser.get(case_url(case)))
    case.refresh_from_db()
    assert (case.status, case.decided_by) == (CaseStatus.DECLINED, agent)
    event = AuditEvent.objects.get(kind=EventKind.SUPPORT_CASE_DECLINED)
    assert (event.actor, event.data["reason"]) == (agent, "We could not confirm the account is yours.")
    run_tasks()
    assert "We could not confirm the account is yours." in outbox.last(REPLY).body
    assert not RecoveryLink.objects.exists()


def test_declining_needs_a_reason(agent_browser: HttpClient, locked_out: BusinessAccount) -> None:
    case = open_case(locked_out)
    response = agent_browser.post(case_url(case, "decline"), {"decline-reason": ""})
    assert response.status_code == 200
    assert error_codes(response) == [ErrorCode.SUPPORT_REASON_REQUIRED]
    assert SupportCase.objects.get().status == CaseStatus.OPEN
    assert not AuditEvent.objects.filter(kind=EventKind.SUPPORT_CASE_DECLINED).exists()


def test_a_decided_case_shows_the_decision_and_cannot_be_decided_again(
    agent_browser: HttpClient, agent: BusinessAccount, locked_out: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    case = open_case(locked_out)
    agent_browser.post(case_url(case, "decline"), {"decline-reason": "Not enough proof"})

    page = text(agent_browser.get(case_url(case)))
    assert 'data-status="declined">Declined</span>' in page
    decision = page[page.index("data-decision") :]
    assert f'<a href="{account_url(agent)}">Aoi Agent</a>' in decision and "Not enough proof" in decision
    assert "<form" not in page[page.index("<main") : page.index("</main>")]

    for action, data in [
        ("approve", {"approve-account": str(locked_out.pk), "approve-reason": "Changed my mind"}),
        ("decline", {"decline-reason": "Again"}),
        ("evidence", {"evidence": "More"}),
    ]:
        response = agent_browser.post(case_url(case, action), data, follow=True)
        assert response.redirect_chain == [(case_url(case), 302)]
        assert error_codes(response) == [ErrorCode.SUPPORT_CASE_CLOSED]
        assert "This case has already been decided." in text(response)
    case.refresh_from_db()
    assert (case.status, case.decision_reason, case.evidence) == (CaseStatus.DECLINED, "Not enough proof", "")
    assert not RecoveryLink.objects.exists()
    assert AuditEvent.objects.filter(kind=EventKind.SUPPORT_CASE_DECLINED).count() == 1


def test_the_forms_work_with_csrf_protection(
    agent: BusinessAccount, locked_out: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    browser = staff_client(agent, csrf=True)
    case = open_case(locked_out)
    page = browser.get(case_url(case)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    assert browser.post(case_url(case, "evidence"), {"evidence": "Invoice"}).status_code == 403  # no token
    response = browser.post(case_url(case, "evidence"), {"evidence": "Invoice", "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert SupportCase.objects.get().evidence == "Invoice"


def test_actions_refuse_a_decided_case_at_the_action_level_too(agent: BusinessAccount, locked_out: Any) -> None:
    case = open_case(locked_out)
    support_actions.do_decline_case(case, actor=agent, reason="No")
    with pytest.raises(CodedError) as refused:
        support_actions.do_decline_case(case, actor=agent, reason="No again")
    assert refused.value.code == ErrorCode.SUPPORT_CASE_CLOSED


# -- the header ------------------------------------------------------------------------------------


def test_the_header_links_staff_to_their_console_and_holders_see_no_link(
    client: HttpClient, signed_in: Any, agent: BusinessAccount, make_business_account: Any
) -> None:
    assert "Staff console" not in text(signed_in.get(reverse("business:adsmanager")))
    agent_page = text(staff_client(agent).get(reverse("business:adsmanager")))
    # In the bar on wider screens, in the Profile menu on phones (staff.css).
    assert '<a class="staff-link" href="/staff/">Staff console</a>' in agent_page
    assert '<a class="staff-menu-link" href="/staff/">Staff console</a>' in agent_page
    manager = make_business_account(email="mina@example.com", is_account_manager=True)
    manager_page = text(staff_client(manager).get(reverse("business:adsmanager")))
    assert '<a class="staff-link" href="/staff/managed/">Staff console</a>' in manager_page


def test_the_staff_menu_shows_the_sections_each_role_allows(agent: BusinessAccount, make_business_account: Any) -> None:
    def sections(page: str) -> list[str]:
        nav = page[page.index('<nav class="staff-nav"') : page.index("</nav>", page.index('<nav class="staff-nav"'))]
        return re.findall(r'<a href="([^"]+)"', nav)

    assert sections(text(staff_client(agent).get(HOME))) == ["/staff/"]
    manager = make_business_account(email="mina@example.com", is_account_manager=True)
    assert sections(text(staff_client(manager).get("/staff/managed/"))) == ["/staff/managed/"]
    both = make_business_account(email="both@example.com", is_account_manager=True, is_support_agent=True)
    browser = staff_client(both)
    assert sections(text(browser.get(HOME))) == ["/staff/", "/staff/managed/"]
    assert browser.get("/staff/managed/").status_code == 200


# Revocations at Loop as outbound calls (kit.outbound, issue 14): every attempt shown, replay by staff,
# given up after 72 hours, then the reconciliation takes over.


def page_url(revocation: LoopRevocation, account: BusinessAccount, action: str = "") -> str:
    return f"/staff/accounts/{account.pk}/revocations/{revocation.pk}/{action}"


@pytest.fixture
def failed_revocation(
    linked_account: BusinessAccount, make_business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> LoopRevocation:
    """A staff unlink whose revocation at Loop failed once: Loop was down."""
    manager = make_business_account(email="mina@example.com", display_name="Mina Manager", is_account_manager=True)
    do_end_link_by_staff(linked_account, actor=manager, reason="Holder left the company")
    fake_loop.down = True
    run_tasks()
    fake_loop.down = False
    return LoopRevocation.objects.select_related("call").get()


def test_the_revocation_page_shows_every_attempt(
    agent_browser: HttpClient, linked_account: BusinessAccount, failed_revocation: LoopRevocation
) -> None:
    page = text(agent_browser.get(page_url(failed_revocation, linked_account)))

    assert "Unlinked by staff" in page and 'data-status="pending"' in page
    assert '<tr data-succeeded="false">' in page and "Loop is down" in page
    assert text(agent_browser.get(f"/staff/accounts/{linked_account.pk}/")).count(
        page_url(failed_revocation, linked_account)
    )


def test_staff_replay_a_revocation_as_a_new_audited_attempt(
    agent_browser: HttpClient,
    agent: BusinessAccount,
    linked_account: BusinessAccount,
    failed_revocation: LoopRevocation,
    fake_loop: FakeLoop,
    run_tasks: Any,
) -> None:
    answer = agent_browser.post(page_url(failed_revocation, linked_account, "replay/"))
    assert answer.status_code == 302
    run_tasks()

    failed_revocation.refresh_from_db()
    assert failed_revocation.call.status == CallStatus.DONE and failed_revocation.call.attempts == 2
    assert [attempt.replay for attempt in failed_revocation.call.attempt_log.all()] == [False, True]
    assert failed_revocation.token in fake_loop.revoked
    event = AuditEvent.objects.get(kind=EventKind.OUTBOUND_REPLAYED)
    assert event.actor == agent and event.account == linked_account
    assert event.data["revocation"] == failed_revocation.pk and event.data["previous_status"] == "pending"
    assert "· replay" in text(agent_browser.get(page_url(failed_revocation, linked_account)))


def test_a_revocation_of_another_account_is_not_found(
    agent_browser: HttpClient, failed_revocation: LoopRevocation, make_business_account: Any
) -> None:
    other = make_business_account(email="other@example.com")
    assert agent_browser.get(page_url(failed_revocation, other)).status_code == 404
    assert agent_browser.post(page_url(failed_revocation, other, "replay/")).status_code == 404
    assert not AuditEvent.objects.filter(kind=EventKind.OUTBOUND_REPLAYED).exists()


def test_the_revocation_pages_are_for_support_agents_only(
    client: HttpClient, linked_account: BusinessAccount, failed_revocation: LoopRevocation
) -> None:
    url = page_url(failed_revocation, linked_account)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(linked_account)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}replay/").status_code == 403


def test_replay_needs_the_csrf_token(
    agent: BusinessAccount, linked_account: BusinessAccount, failed_revocation: LoopRevocation
) -> None:
    answer = staff_client(agent, csrf=True).post(page_url(failed_revocation, linked_account, "replay/"))
    assert answer.status_code == 403


def test_a_revocation_is_given_up_after_72_hours_and_each_reconciliation_tries_it_again(
    failed_revocation: LoopRevocation, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    fake_loop.down = True
    call = failed_revocation.call
    with time_machine.travel(call.created_at, tick=False) as clock:
        while call.status == CallStatus.PENDING:
            clock.move_to(call.next_attempt_at)
            run_tasks()
            call.refresh_from_db()
        assert call.status == CallStatus.GIVEN_UP and call.given_up_at is not None
        assert call.given_up_at <= call.created_at + RETRY_WINDOW
        tries = call.attempts

        clock.move_to(timezone.now() + timedelta(hours=1))
        run_tasks()
        call.refresh_from_db()
        assert call.attempts == tries  # nothing more is tried ...

        fake_loop.down = False
        do_reconcile_links()  # ... until the reconciliation takes over
        run_tasks()
    call.refresh_from_db()
    assert call.status == CallStatus.DONE and call.attempts == tries + 1
    assert failed_revocation.token in fake_loop.revoked


def test_the_reconciliation_leaves_pending_and_done_revocations_alone(
    failed_revocation: LoopRevocation, fake_loop: FakeLoop, sakura: LoopPerson, run_tasks: Any
) -> None:
    do_reconcile_links()
    failed_revocation.call.refresh_from_db()
    assert failed_revocation.call.status == CallStatus.PENDING and failed_revocation.call.attempts == 1
