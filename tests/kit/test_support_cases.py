"""Support cases and single-use recovery links (DESIGN §4.6), as actions on the kit's models."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.support import actions
from accountlink.kit.support.models import CaseKind, CaseStatus, RecoveryLink, SupportCase

pytestmark = pytest.mark.django_db

REPLY = Contact(Channel.EMAIL, "helper@example.net")
NEW_PHONE = Contact(Channel.SMS, "+819011112222")


class Delivered:
    """The outbox, after the worker has run whatever was queued so far."""

    def __init__(self, outbox: Any, run_tasks: Any) -> None:
        self.outbox, self.run_tasks = outbox, run_tasks

    def last(self, to: str) -> Any:
        self.run_tasks()
        return self.outbox.last(to)

    def code_for(self, to: str) -> str:
        self.run_tasks()
        code: str = self.outbox.code_for(to)
        return code


@pytest.fixture
def sent(outbox: Any, run_tasks: Any) -> Delivered:
    return Delivered(outbox, run_tasks)


@pytest.fixture
def agent(make_loop_account: Any) -> Any:
    agent = make_loop_account(handle="agent", email="agent@example.com")
    agent.is_support_agent = True
    agent.save()
    return agent


@pytest.fixture
def holder(make_loop_account: Any) -> Any:
    """An account that lost every way in: no email, no phone."""
    return make_loop_account(handle="lost", email=None, phone=None)


def open_case(account: Any, kind: CaseKind = CaseKind.RECOVERY) -> SupportCase:
    return actions.do_open_case(
        kind=kind,
        account=account,
        identifier="@lost",
        requester_name="Lost Person",
        reply_to=REPLY,
        message="My phone was stolen and the account had no email.",
        language="en",
    )


def approve(case: SupportCase, agent: Any, account: Any) -> str:
    """Approve with evidence; returns the token the link carries."""
    actions.do_record_evidence(case, actor=agent, evidence="Sent a photo of the receipt for the ad spend.")
    links: list[str] = []
    actions.do_approve_recovery(
        case,
        actor=agent,
        reason="Receipt matches",
        account=account,
        link_url=lambda token: links.append(token) or token,
    )
    return links[0]


def test_opening_a_case_tells_the_requester_and_is_audited(holder: Any, sent: Any) -> None:
    case = open_case(holder)
    assert case.status == CaseStatus.OPEN and case.reference == f"#{case.pk:06d}"
    message = sent.last(REPLY.value)
    assert case.reference in message.subject
    event = AuditEvent.objects.get(kind=EventKind.SUPPORT_CASE_OPENED)
    assert event.account == holder and event.data["reply_to"] == REPLY.masked


def test_a_case_for_an_unknown_account_is_opened_all_the_same(sent: Any) -> None:
    case = open_case(None)
    assert case.account is None
    assert case.reference in sent.last(REPLY.value).subject


def test_approval_needs_evidence_a_reason_and_an_account(holder: Any, agent: Any) -> None:
    case = open_case(holder)
    with pytest.raises(CodedError) as error:
        actions.do_approve_recovery(case, actor=agent, reason="ok", account=holder, link_url=str)
    assert error.value.code == ErrorCode.SUPPORT_EVIDENCE_REQUIRED
    actions.do_record_evidence(case, actor=agent, evidence="Knew the ad account's billing details.")
    with pytest.raises(CodedError) as error:
        actions.do_approve_recovery(case, actor=agent, reason="  ", account=holder, link_url=str)
    assert error.value.code == ErrorCode.SUPPORT_REASON_REQUIRED
    with pytest.raises(CodedError) as error:
        actions.do_approve_recovery(case, actor=agent, reason="ok", account=None, link_url=str)
    assert error.value.code == ErrorCode.SUPPORT_NO_ACCOUNT


def test_approval_sends_a_single_use_link_and_audits_the_agent(holder: Any, agent: Any, sent: Any) -> None:
    case = open_case(holder)
    token = approve(case, agent, holder)

    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decided_by == agent and case.decision_reason == "Receipt matches"
    assert token in sent.last(REPLY.value).body
    link = RecoveryLink.objects.get()
    assert token not in link.token_hash  # only its hash is kept
    assert link.expires_at - link.created_at == timedelta(hours=24)
    event = AuditEvent.objects.get(kind=EventKind.RECOVERY_APPROVED)
    assert (event.account, event.actor, event.data["reason"]) == (holder, agent, "Receipt matches")


def test_a_decided_case_cannot_be_decided_again(holder: Any, agent: Any, sent: Any) -> None:
    case = open_case(holder)
    actions.do_decline_case(case, actor=agent, reason="No proof of ownership")
    assert "No proof of ownership" in sent.last(REPLY.value).body
    with pytest.raises(CodedError) as error:
        approve(case, agent, holder)
    assert error.value.code == ErrorCode.SUPPORT_CASE_CLOSED


def test_the_link_registers_a_phone_with_a_code_and_then_forgot_password_can_reach_it(
    holder: Any, agent: Any, sent: Any
) -> None:
    token = approve(open_case(holder), agent, holder)
    link = actions.check_recovery_link(token)
    actions.do_send_recovery_code(link, NEW_PHONE)
    code = sent.code_for(NEW_PHONE.value)
    with pytest.raises(CodedError):
        actions.do_finish_recovery(link, NEW_PHONE, "000000" if code != "000000" else "111111")

    actions.do_finish_recovery(link, NEW_PHONE, code)

    holder.refresh_from_db()
    assert holder.phone == NEW_PHONE.value
    assert holder.contacts() == [NEW_PHONE]
    event = AuditEvent.objects.get(kind=EventKind.RECOVERY_COMPLETED)
    assert event.data["to"] == NEW_PHONE.masked and code not in str(event.data)


def test_the_link_cannot_be_used_twice(holder: Any, agent: Any, sent: Any) -> None:
    token = approve(open_case(holder), agent, holder)
    link = actions.check_recovery_link(token)
    actions.do_send_recovery_code(link, NEW_PHONE)
    actions.do_finish_recovery(link, NEW_PHONE, sent.code_for(NEW_PHONE.value))

    with pytest.raises(CodedError) as error:
        actions.check_recovery_link(token)
    assert error.value.code == ErrorCode.RECOVERY_LINK_USED
    other = Contact(Channel.EMAIL, "second@example.com")
    with pytest.raises(CodedError) as error:
        actions.do_send_recovery_code(link, other)  # the page was still open in another tab
    assert error.value.code == ErrorCode.RECOVERY_LINK_USED


def test_the_link_expires_after_24_hours(holder: Any, agent: Any) -> None:
    token = approve(open_case(holder), agent, holder)
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)), pytest.raises(CodedError) as error:
        actions.check_recovery_link(token)
    assert error.value.code == ErrorCode.RECOVERY_LINK_EXPIRED


def test_an_unknown_or_altered_token_is_invalid(holder: Any, agent: Any) -> None:
    token = approve(open_case(holder), agent, holder)
    for wrong in ("", "x", token[:-1], token + "a"):
        with pytest.raises(CodedError) as error:
            actions.check_recovery_link(wrong)
        assert error.value.code == ErrorCode.RECOVERY_LINK_INVALID


def test_a_link_works_only_for_the_account_it_was_issued_for(
    holder: Any, agent: Any, make_loop_account: Any, sent: Any
) -> None:
    someone_else = make_loop_account(handle="other", email="other@example.com")
    token = approve(open_case(holder), agent, holder)
    link = actions.check_recovery_link(token)
    actions.do_send_recovery_code(link, NEW_PHONE)
    code = sent.code_for(NEW_PHONE.value)
    # A code for the same address issued to another account's flow does not fit this link, and
    # this link's code registers nothing on another account.
    actions.do_finish_recovery(link, NEW_PHONE, code)
    someone_else.refresh_from_db()
    assert someone_else.phone is None
    assert link.account == holder


def test_an_address_of_another_account_cannot_be_registered(holder: Any, agent: Any, make_loop_account: Any) -> None:
    make_loop_account(handle="taken", email="taken@example.com")
    link = actions.check_recovery_link(approve(open_case(holder), agent, holder))
    with pytest.raises(CodedError) as error:
        actions.do_send_recovery_code(link, Contact(Channel.EMAIL, "taken@example.com"))
    assert error.value.code == ErrorCode.CONTACT_IN_USE


def test_the_link_in_the_message_is_the_one_that_works(holder: Any, agent: Any, sent: Any) -> None:
    case = open_case(holder)
    actions.do_record_evidence(case, actor=agent, evidence="Matching invoice")
    actions.do_approve_recovery(
        case, actor=agent, reason="ok", account=holder, link_url=lambda token: f"https://loop.example/recover/{token}/"
    )
    match = re.search(r"https://loop\.example/recover/([\w-]+)/", sent.last(REPLY.value).body)
    assert match is not None
    assert actions.check_recovery_link(match.group(1)).account == holder
