"""Contact support and the recovery link on Loop for Business (DESIGN §4.6; issue 5).

A holder who cannot log in and has no email or phone on the account opens a case from the login
page, support approves it, and the link lets them add a phone; then Forgot password works.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import ErrorCode
from accountlink.kit.support import actions
from accountlink.kit.support.models import CaseKind, CaseStatus, SupportCase
from tests.business.fake_loop import FakeLoop, LoopPerson, callback_query, live_refresh_tokens
from tests.business.pages import AUTHORIZE, authorize, log_in

pytestmark = pytest.mark.django_db

REPLY = "owner.personal@example.net"
NEW_PHONE = "+819055556666"
NEW_PASSWORD = "back-in-business-2468"


def contact_support(client: HttpClient, identifier: str, **extra: Any) -> Any:
    data = {
        "kind": "recovery",
        "requester_name": "Kenji Sato",
        "identifier": identifier,
        "reply_to": REPLY,
        "message": "I made the account with Loop and can't get in any more.",
        **extra,
    }
    return client.post(reverse("business:contact_support"), data)


def approve(case: SupportCase, agent: BusinessAccount, account: BusinessAccount) -> None:
    from accountlink.business.support_pages import support_pages

    actions.do_record_evidence(case, actor=agent, evidence="Named the ad account and its last invoice.")
    actions.do_approve_recovery(
        case, actor=agent, reason="Evidence matches", account=account, link_url=support_pages.recovery_link_url
    )


def link_in(outbox: Any, run_tasks: Any) -> str:
    run_tasks()
    match = re.search(r"http://\S+/support/recover/\S+/", outbox.last(REPLY).body)
    assert match is not None
    return match.group(0)


def test_the_login_page_offers_contact_support(client: HttpClient) -> None:
    page = client.get(reverse("business:login")).content.decode()
    assert f'href="{reverse("business:contact_support")}">Contact support<' in page
    forgot = client.get(reverse("business:forgot_password")).content.decode()
    assert reverse("business:contact_support") in forgot


def test_the_account_field_names_the_brand_setting(client: HttpClient, settings: Any) -> None:
    settings.ACCOUNTLINK_BRAND = "Wave"
    page = client.get(reverse("business:contact_support")).content.decode()
    assert "or the @username of its linked Wave account</label>" in page


def test_the_whole_recovery_from_case_to_logging_in_again(
    client: HttpClient, locked_out: BusinessAccount, agent: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    # 1. Contact support, from the login page, without logging in: the @username of the linked Loop account.
    response = contact_support(client, "@kenji")
    assert response.status_code == 302 and response["Location"] == reverse("business:support_case_sent")
    case = SupportCase.objects.get()
    assert (case.kind, case.account, case.status) == (CaseKind.RECOVERY, locked_out, CaseStatus.OPEN)
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and "o************l@example.net" in page
    run_tasks()
    assert case.reference in outbox.last(REPLY).subject

    # 2. An agent records the evidence and approves: the requester gets a link.
    approve(case, agent, locked_out)
    url = link_in(outbox, run_tasks)

    # 3. The link: its token leaves the address at once.
    response = client.get(url.replace("http://127.0.0.1:8002", ""))
    assert response.status_code == 302 and response["Location"] == reverse("business:recover_contact")
    page = client.get(response["Location"]).content.decode()
    assert "Add an email or phone" in page and case.reference in page
    response = client.post(reverse("business:recover_contact"), {"value": "+81 90-5555-6666"})
    assert response.status_code == 302 and response["Location"] == reverse("business:recover_verify")
    run_tasks()
    code = outbox.code_for(NEW_PHONE)
    response = client.post(reverse("business:recover_verify"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("business:forgot_password")
    assert "is now on your account. Reset your password to log in again." in response.content.decode()
    locked_out.refresh_from_db()
    assert locked_out.phone == NEW_PHONE
    assert AuditEvent.objects.filter(account=locked_out, kind=EventKind.RECOVERY_COMPLETED).exists()

    # 4. Forgot password now reaches the phone, and the holder logs in with the new password.
    client.post(reverse("business:forgot_password"), {"identifier": NEW_PHONE})
    run_tasks()
    response = client.post(
        reverse("business:password_reset"),
        {"code": outbox.code_for(NEW_PHONE), "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    response = log_in(client, NEW_PHONE, NEW_PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(locked_out.pk)


def test_the_link_cannot_be_used_again(
    client: HttpClient, locked_out: BusinessAccount, agent: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    contact_support(client, "@kenji")
    approve(SupportCase.objects.get(), agent, locked_out)
    path = link_in(outbox, run_tasks).replace("http://127.0.0.1:8002", "")
    client.get(path)
    client.post(reverse("business:recover_contact"), {"value": NEW_PHONE})
    run_tasks()
    client.post(reverse("business:recover_verify"), {"code": outbox.code_for(NEW_PHONE)})

    again = HttpClient().get(path)
    assert again.status_code == 410
    assert f'data-error-code="{ErrorCode.RECOVERY_LINK_USED}"' in again.content.decode()


def test_an_altered_link_is_refused_and_a_step_page_without_one_too(client: HttpClient) -> None:
    response = client.get(reverse("business:recover", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert f'data-error-code="{ErrorCode.RECOVERY_LINK_INVALID}"' in response.content.decode()
    assert client.get(reverse("business:recover_contact")).status_code == 404
    assert client.get(reverse("business:recover_verify")).status_code == 404


def test_a_request_for_an_unknown_account_is_answered_the_same(client: HttpClient, outbox: Any, run_tasks: Any) -> None:
    response = contact_support(client, "nobody@example.com")
    assert response.status_code == 302
    assert SupportCase.objects.get().account is None
    run_tasks()
    assert "We received your request" in outbox.last(REPLY).subject


def test_bad_input_is_refused_with_the_input_kept(client: HttpClient) -> None:
    response = contact_support(client, "@kenji", reply_to="not an address", message="")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid phone number" in page and "This field is required." in page
    assert 'value="@kenji"' in page
    assert not SupportCase.objects.exists()


# -- proof of ownership: logging in with the linked Loop account ---------------------------------


def verify_with_loop(client: HttpClient, fake_loop: FakeLoop, person: Any) -> Any:
    response = client.post(reverse("business:support_prove_with_loop"))
    assert response.status_code == 302 and response["Location"].startswith(AUTHORIZE + "?")
    return authorize(client, fake_loop, callback_query(response["Location"]), person)


def test_logging_in_with_the_linked_loop_account_is_recorded_as_proof(
    client: HttpClient, locked_out: BusinessAccount, fake_loop: FakeLoop, kenji: LoopPerson, run_tasks: Any
) -> None:
    link_tokens = live_refresh_tokens(fake_loop, kenji)
    contact_support(client, "@kenji")
    page = client.get(reverse("business:support_case_sent")).content.decode()
    assert ">Verify with Loop</button>" in page

    response = verify_with_loop(client, fake_loop, kenji)

    assert response.request["PATH_INFO"] == reverse("business:support_case_sent")
    page = response.content.decode()
    assert "You logged in with the linked Loop account @kenji" in page
    assert ">Verify with Loop</button>" not in page
    case = SupportCase.objects.get()
    assert case.proven_with_loop_at is not None and case.account == locked_out
    assert AuditEvent.objects.filter(account=locked_out, kind=EventKind.SUPPORT_EVIDENCE_RECORDED).exists()
    # The sign-in's own tokens are revoked at Loop; the link's grant is untouched.
    run_tasks()
    assert len(fake_loop.revoked) == 1 and fake_loop.revoked[0] not in link_tokens
    assert LoopLink.objects.filter(account=locked_out).exists()
    assert live_refresh_tokens(fake_loop, kenji) == link_tokens
    assert "_auth_user_id" not in client.session


def test_a_loop_account_that_is_not_linked_proves_nothing(
    client: HttpClient, locked_out: BusinessAccount, fake_loop: FakeLoop
) -> None:
    contact_support(client, "@kenji")
    response = verify_with_loop(client, fake_loop, fake_loop.person("aiko", "Aiko Mori"))
    assert f'data-error-code="{ErrorCode.SUPPORT_PROOF_NOT_LINKED}"' in response.content.decode()
    assert SupportCase.objects.get().proven_with_loop_at is None


def test_verify_with_loop_needs_an_open_case_in_this_browser(client: HttpClient) -> None:
    response = client.post(reverse("business:support_prove_with_loop"))
    assert response.status_code == 302 and response["Location"] == reverse("business:contact_support")


def test_a_refused_links_token_does_not_reach_the_request_log(client: HttpClient, caplog: Any) -> None:
    token = "made-up-token-that-must-not-be-logged"
    with caplog.at_level("WARNING", logger="django.request"):
        client.get(reverse("business:recover", args=[token]))
    logged = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert logged and all(token not in message for message in logged)
    assert "/support/recover/[redacted]/" in logged[0]
