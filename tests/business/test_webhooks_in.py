"""``POST /webhooks/loop/``: Loop's signed ``authorization.removed`` notices (DESIGN §7, R2, R6)."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.webhooks_in import actions as webhook_actions
from accountlink.business.webhooks_in.models import ReceivedNotice
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.webhooks import sign
from tests.business.fake_loop import SECRET, WEBHOOK, FakeLoop, LoopPerson, deliver, notice
from tests.business.pages import link

pytestmark = pytest.mark.django_db


def is_linked(account: BusinessAccount) -> bool:
    return LoopLink.objects.filter(account=account).exists()


def refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert not ReceivedNotice.objects.exists()


# -- a removal ends the link ---------------------------------------------------------------------


def test_a_removal_on_loop_ends_the_link(linked_browser: Any, business_account: BusinessAccount) -> None:
    response = deliver(notice())

    assert response.status_code == 200
    assert response.json() == {"status": "ended"}
    assert not is_linked(business_account)
    page = linked_browser.get("/settings/personal/").content.decode()
    assert "Link Loop account</button>" in page and "@sakura" not in page
    (received,) = ReceivedNotice.objects.all()
    assert (received.event, received.open_id, received.reason, received.outcome) == (
        "authorization.removed",
        "open-sakura",
        1,
        "ended",
    )
    assert len(received.body_sha256) == 64


def test_the_removal_is_audited_as_coming_from_loop(linked_browser: Any, business_account: BusinessAccount) -> None:
    deliver(notice(reason=1))
    (event,) = AuditEvent.objects.filter(account=business_account, kind=EventKind.LOOP_UNLINKED)
    assert event.actor is None
    assert event.data == {"reason": "removed_on_loop", "username": "sakura", "open_id": "open-sakura", "via": "webhook"}


@pytest.mark.parametrize(
    ("reason", "recorded"),
    [
        (0, "unknown"),
        (1, "removed_on_loop"),
        (2, "loop_account_deleted"),
        (3, "loop_age_changed"),
        (4, "loop_account_suspended"),
        (5, "revoked_by_client"),
        (99, "unknown"),
    ],
)
def test_each_reason_is_recorded(
    linked_browser: Any, business_account: BusinessAccount, reason: int, recorded: str
) -> None:
    assert deliver(notice(reason=reason)).json() == {"status": "ended"}
    event = AuditEvent.objects.get(account=business_account, kind=EventKind.LOOP_UNLINKED)
    assert event.data["reason"] == recorded


def test_the_holder_is_told_on_every_contact(linked_browser: Any, outbox: Any, run_tasks: Any) -> None:
    run_tasks()  # the link's own notices
    deliver(notice(reason=1))
    run_tasks()
    email = outbox.last("sakura.biz@example.com")
    assert email.subject == "Your Loop account is no longer linked"
    assert "The Loop account @sakura removed Loop for Business's access in the Loop app" in email.body
    assert "@sakura" in outbox.last("+819012345678").body


def test_loop_ended_the_grant_so_nothing_is_revoked_again(
    linked_browser: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    deliver(notice())
    run_tasks()
    assert not LoopRevocation.objects.exists()
    assert fake_loop.revoked == []


def test_the_loop_account_can_be_linked_again_after_a_removal(
    linked_browser: Any, business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson
) -> None:
    deliver(notice())
    link(linked_browser, fake_loop, sakura)
    assert is_linked(business_account)


# -- notices that change nothing -----------------------------------------------------------------


def test_a_redelivered_notice_is_answered_as_a_duplicate_and_changes_nothing(
    linked_browser: Any,
    business_account: BusinessAccount,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
) -> None:
    payload = notice(create_time=int(time.time()) + 60)  # Loop's clock a little ahead
    assert deliver(payload).json() == {"status": "ended"}
    link(linked_browser, fake_loop, sakura)  # linked again, before the notice's time

    again = deliver(payload, timestamp=int(time.time()) + 1)  # signed afresh, same body

    assert again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    assert is_linked(business_account)
    assert ReceivedNotice.objects.count() == 1
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).count() == 1


def test_a_removal_older_than_the_link_is_ignored(linked_browser: Any, business_account: BusinessAccount) -> None:
    linked_at = int(LoopLink.objects.get(account=business_account).linked_at.timestamp())

    response = deliver(notice(create_time=linked_at - 1))

    assert response.status_code == 200
    assert response.json() == {"status": "stale"}
    assert is_linked(business_account)
    assert ReceivedNotice.objects.get().outcome == "stale"
    ignored = AuditEvent.objects.get(account=business_account, kind=EventKind.WEBHOOK_IGNORED)
    assert ignored.data["event"] == "authorization.removed"
    assert not AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).exists()


def test_a_removal_for_a_loop_account_that_is_not_linked_is_acknowledged(
    linked_browser: Any, business_account: BusinessAccount
) -> None:
    response = deliver(notice("open-nobody"))
    assert response.status_code == 200
    assert response.json() == {"status": "not_linked"}
    assert is_linked(business_account)
    assert ReceivedNotice.objects.get().outcome == "not_linked"


def test_another_event_is_acknowledged_and_ignored(linked_browser: Any, business_account: BusinessAccount) -> None:
    payload = notice(event="video.publish.completed")
    payload["content"] = json.dumps({"publish_id": "v_1"})
    response = deliver(payload)
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert is_linked(business_account)
    assert ReceivedNotice.objects.get().outcome == "ignored"


# -- refusals: signature first, then content -----------------------------------------------------


def test_an_unsigned_notice_is_refused(linked_browser: Any, business_account: BusinessAccount) -> None:
    refused(deliver(notice(), signature=""), 401, "webhook.bad_signature")
    assert is_linked(business_account)


@pytest.mark.parametrize("header", ["t=1,s=", "s=abc", "nonsense", "t=abc,s=00"])
def test_an_unreadable_signature_is_refused(
    linked_browser: Any, business_account: BusinessAccount, header: str
) -> None:
    refused(deliver(notice(), signature=header), 401, "webhook.bad_signature")
    assert is_linked(business_account)


def test_a_notice_signed_with_another_secret_is_refused(linked_browser: Any, business_account: BusinessAccount) -> None:
    refused(deliver(notice(), secret="someone-elses-secret"), 401, "webhook.bad_signature")
    assert is_linked(business_account)


def test_a_notice_changed_after_signing_is_refused(linked_browser: Any, business_account: BusinessAccount) -> None:
    body = json.dumps(notice("open-hana")).encode()
    header = sign(SECRET, body)
    tampered = body.replace(b"open-hana", b"open-sakura")
    refused(deliver(tampered, signature=header), 401, "webhook.bad_signature")
    assert is_linked(business_account)


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_notice_signed_more_than_five_minutes_off_is_refused(
    linked_browser: Any, business_account: BusinessAccount, offset: int
) -> None:
    # The clock stands still: a signature 301 s ahead must not become 300 s ahead while the request runs.
    with time_machine.travel(time.time(), tick=False):
        refused(deliver(notice(), timestamp=int(time.time()) + offset), 401, "webhook.stale_timestamp")
    assert is_linked(business_account)


def test_a_notice_signed_within_five_minutes_is_accepted(
    linked_browser: Any, business_account: BusinessAccount
) -> None:
    assert deliver(notice(), timestamp=int(time.time()) - 290).json() == {"status": "ended"}


def test_the_signature_is_checked_before_the_content(linked_browser: Any) -> None:
    refused(deliver(b"not json", signature="t=1,s=00"), 401, "webhook.bad_signature")


MALFORMED = [
    b"not json",
    b"",
    b"[]",
    b'"authorization.removed"',
    b"\xff\xfe",
    {"event": "authorization.removed"},
    {k: v for k, v in notice().items() if k != "user_openid"},
    {k: v for k, v in notice().items() if k != "create_time"},
    {k: v for k, v in notice().items() if k != "content"},
    {k: v for k, v in notice().items() if k != "client_key"},
    {k: v for k, v in notice().items() if k != "event"},
    {**notice(), "content": {"reason": 1}},  # an object, not a JSON string
    {**notice(), "content": "not json"},
    {**notice(), "content": "[1]"},
    {**notice(), "content": "{}"},
    {**notice(), "content": '{"reason": "1"}'},
    {**notice(), "content": '{"reason": true}'},
    {**notice(), "content": '{"reason": 1.5}'},
    {**notice(), "content": '{"reason": -1}'},
    {**notice(), "content": '{"reason": 99999999999}'},
    {**notice(), "create_time": "1700000000"},
    {**notice(), "create_time": True},
    {**notice(), "create_time": -5},
    {**notice(), "create_time": 10**20},
    {**notice(), "user_openid": ""},
    {**notice(), "user_openid": 42},
    {**notice(), "user_openid": "x" * 65},
    {**notice(), "event": None},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_a_malformed_notice_is_refused(linked_browser: Any, business_account: BusinessAccount, payload: Any) -> None:
    refused(deliver(payload), 400, "webhook.malformed")
    assert is_linked(business_account)


def test_a_notice_for_another_app_is_refused(linked_browser: Any, business_account: BusinessAccount) -> None:
    refused(deliver(notice(client_key="another-app")), 400, "webhook.unknown_client")
    assert is_linked(business_account)


def test_the_refusal_message_is_readable(linked_browser: Any) -> None:
    response = deliver(notice(), secret="wrong")
    assert response.json() == {
        "code": "webhook.bad_signature",
        "message": "The notification's signature is missing or wrong.",
    }


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_accepted(linked_browser: Any, business_account: BusinessAccount, method: str) -> None:
    response = getattr(HttpClient(), method)(WEBHOOK)
    assert response.status_code == 405
    assert is_linked(business_account)


def test_no_browser_session_or_csrf_token_is_needed(linked_browser: Any, business_account: BusinessAccount) -> None:
    response = deliver(notice())  # deliver() uses a client with CSRF checks and no cookies
    assert response.status_code == 200
    assert "lfb_session" not in response.cookies and "lfb_csrftoken" not in response.cookies


# -- two deliveries of one notice at once (the PostgreSQL race test runs real threads) -------------


def competing_delivery(monkeypatch: pytest.MonkeyPatch, body: bytes, outcome: str) -> None:
    """Another delivery of the same body is recorded while this one acts on it."""
    real = webhook_actions.do_end_link_removed_on_loop

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        data = json.loads(body)
        ReceivedNotice.objects.create(
            body_sha256=hashlib.sha256(body).hexdigest(),
            event=data["event"],
            open_id=data["user_openid"],
            reason=1,
            create_time=data["create_time"],
            outcome=outcome,
        )
        return result

    monkeypatch.setattr(webhook_actions, "do_end_link_removed_on_loop", meanwhile)


def test_the_delivery_that_ended_the_link_says_so_even_if_another_was_recorded_first(
    monkeypatch: pytest.MonkeyPatch, linked_browser: Any, business_account: BusinessAccount
) -> None:
    body = json.dumps(notice()).encode()
    competing_delivery(monkeypatch, body, outcome="not_linked")

    response = deliver(body)

    assert response.json() == {"status": "ended"}
    assert not is_linked(business_account)
    assert ReceivedNotice.objects.get().outcome == "ended"


def test_a_delivery_that_changed_nothing_is_a_duplicate_of_one_recorded_first(
    monkeypatch: pytest.MonkeyPatch, linked_browser: Any, business_account: BusinessAccount
) -> None:
    body = json.dumps(notice("open-nobody")).encode()
    competing_delivery(monkeypatch, body, outcome="not_linked")
    assert deliver(body).json() == {"status": "duplicate"}
    assert ReceivedNotice.objects.get().outcome == "not_linked"
