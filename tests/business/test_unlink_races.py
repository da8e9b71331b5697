"""One code, one unlink, however many Confirm presses race; one notice, one end, however many deliveries.

Real threads on PostgreSQL (SQLite serialises writers anyway).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.unlink import do_send_unlink_code, do_unlink_loop_account
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.webhooks_in.models import ReceivedNotice
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.codes.models import VerificationCode
from accountlink.kit.webhooks import sign
from tests.business.fake_loop import FakeLoop
from tests.business.pages import CONFIRM, PERSONAL, SAKURA_EMAIL, code_sent_to
from tests.concurrency import THREADS, in_parallel

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="race tests run on PostgreSQL"),
]


def browsers_on_the_code_step(account: BusinessAccount, count: int) -> list[HttpClient]:
    """``count`` browsers of the holder, each with the dialog open on the code step."""
    link_row = LoopLink.objects.get(account=account)
    browsers = []
    for _ in range(count):
        browser = HttpClient()
        browser.force_login(account)
        session = browser.session
        session["flow:unlink_loop"] = {
            "started": time.time(),
            "account_id": account.pk,
            "link_id": link_row.pk,
            "contact": {"channel": "email", "value": SAKURA_EMAIL},
        }
        session.save()
        browsers.append(browser)
    return browsers


def answer(response: Any) -> str:
    """What the holder saw: "unlinked", or the refusal's code."""
    html = response.content.decode()
    if "is no longer linked. Your ad accounts and settings stay as they are." in html:
        return "unlinked"
    codes = re.findall(r'data-error-code="([^"]+)"', html)
    assert len(codes) == 1, (response.status_code, codes)
    return codes[0]


def test_twenty_confirms_of_one_code_unlink_once(
    linked_account: BusinessAccount, fake_loop: FakeLoop, outbox: Any, run_tasks: Any
) -> None:
    browsers = browsers_on_the_code_step(linked_account, THREADS)
    do_send_unlink_code(linked_account, linked_account.contacts()[0])
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)

    responses = in_parallel(lambda number: browsers[number].post(CONFIRM, {"code": code}, follow=True))

    assert all(response.status_code == 200 for response in responses)
    answers = [answer(response) for response in responses]
    assert answers.count("unlinked") == 1
    # Every other press is refused: its code was used (code.invalid), or, arriving after the winner
    # committed, the account is not linked any more (unlink.not_linked, shown on Personal information).
    losers = [seen for seen in answers if seen != "unlinked"]
    assert len(losers) == THREADS - 1
    assert set(losers) <= {"code.invalid", "unlink.not_linked"}
    assert [response.request["PATH_INFO"] for response in responses if answer(response) == "unlinked"] == [PERSONAL]
    assert not LoopLink.objects.filter(account=linked_account).exists()
    assert LoopRevocation.objects.count() == 1
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).count() == 1
    used = VerificationCode.objects.get(purpose="unlink_loop")
    assert used.consumed_at is not None and used.attempts <= THREADS - 1

    run_tasks()
    assert len(fake_loop.revoked) == 1


def test_twenty_confirms_of_one_code_through_the_action_unlink_once(
    linked_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    contact = linked_account.contacts()[0]
    do_send_unlink_code(linked_account, contact)
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)

    results = in_parallel(
        lambda number: do_unlink_loop_account(BusinessAccount.objects.get(pk=linked_account.pk), contact, code)
    )

    assert sum(isinstance(result, LoopLink) for result in results) == 1
    refusals = [result for result in results if not isinstance(result, LoopLink)]
    assert len(refusals) == THREADS - 1
    assert {str(code) for code in refusals} <= {"code.invalid", "unlink.not_linked"}
    assert LoopRevocation.objects.count() == 1
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).count() == 1


def test_twenty_deliveries_of_one_notice_end_the_link_once(linked_account: BusinessAccount) -> None:
    body = json.dumps(
        {
            "client_key": "test-client-key",
            "event": "authorization.removed",
            "create_time": int(time.time()) + 1,
            "user_openid": "open-sakura",
            "content": json.dumps({"reason": 1}),
        }
    ).encode()

    def deliver(number: int) -> Any:
        header = sign("test-client-secret", body)
        return HttpClient().post(
            "/webhooks/loop/", data=body, content_type="application/json", headers={"TikTok-Signature": header}
        )

    responses = in_parallel(deliver)

    assert all(response.status_code == 200 for response in responses)
    statuses = [response.json()["status"] for response in responses]
    assert statuses.count("ended") == 1
    assert set(statuses) <= {"ended", "not_linked", "duplicate"}
    assert not LoopLink.objects.filter(account=linked_account).exists()
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).count() == 1
    assert ReceivedNotice.objects.get().outcome == "ended"
