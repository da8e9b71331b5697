from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.audit.models import AuditEvent, EventKind

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Aiko Mori",
    "handle": "Aiko_M",
    "contact": "aiko@example.com",
    "birth_date": "1999-07-07",
    "password": "a-long-and-unusual-password",
}


def test_sign_up_with_email_needs_the_code_before_the_account_works(client: Any, sent: Any, run_tasks: Any) -> None:
    response = client.post(reverse("loop:signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("loop:signup_verify")
    account = LoopAccount.objects.get(handle="aiko_m")
    assert account.verified_at is None and not account.is_active
    assert not client.get(reverse("loop:profile")).wsgi_request.user.is_authenticated

    run_tasks()
    message = sent.last("aiko@example.com")
    assert "verification code" in message.subject
    response = client.post(reverse("loop:signup_verify"), {"code": sent.code_for("aiko@example.com")})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_active
    assert client.get(reverse("loop:profile")).status_code == 200
    run_tasks()
    assert "Welcome" in sent.last("aiko@example.com").subject
    kinds = set(AuditEvent.objects.filter(account=account).values_list("kind", flat=True))
    assert {EventKind.ACCOUNT_CREATED, EventKind.CODE_SENT, EventKind.CONTACT_VERIFIED, EventKind.LOGIN} <= kinds


def test_sign_up_with_a_phone_sends_the_code_by_sms(client: Any, sent: Any, run_tasks: Any) -> None:
    client.post(reverse("loop:signup"), {**SIGNUP, "contact": "090-1111-2222"}, HTTP_ACCEPT_LANGUAGE="ja")
    account = LoopAccount.objects.get(handle="aiko_m")
    assert account.phone == "+819011112222" and account.email is None
    run_tasks()
    message = sent.last("+819011112222")
    assert message.channel == "sms"
    assert "認証コード" in message.body  # written in the language the person signed up in
    response = client.post(reverse("loop:signup_verify"), {"code": sent.code_for("+819011112222")})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.language == "ja" and account.is_active


def test_a_wrong_code_is_refused_with_its_code(client: Any) -> None:
    client.post(reverse("loop:signup"), SIGNUP)
    response = client.post(reverse("loop:signup_verify"), {"code": "123456"})
    assert response.status_code == 200
    assert b'data-error-code="code.invalid"' in response.content


def test_resending_within_a_minute_is_refused(client: Any) -> None:
    client.post(reverse("loop:signup"), SIGNUP)
    response = client.post(reverse("loop:signup_verify"), {"resend": "1"})
    assert b'data-error-code="code.resend_too_soon"' in response.content


def test_signing_up_with_a_registered_email_answers_the_same_and_warns_the_owner(
    client: Any, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    response = client.post(reverse("loop:signup"), {**SIGNUP, "contact": "sakura@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse("loop:signup_verify")
    assert not LoopAccount.objects.filter(handle="aiko_m").exists()
    run_tasks()
    assert "already have" in sent.last("sakura@example.com").subject
    response = client.post(reverse("loop:signup_verify"), {"code": "123456"})
    assert b'data-error-code="code.invalid"' in response.content


def test_a_taken_handle_is_refused(client: Any, loop_account: Any) -> None:
    response = client.post(reverse("loop:signup"), {**SIGNUP, "handle": "@Sakura"})
    assert response.status_code == 200
    assert b'data-error-code="signup.handle_taken"' in response.content


def test_an_abandoned_sign_up_does_not_hold_the_address(client: Any, sent: Any, run_tasks: Any) -> None:
    client.post(reverse("loop:signup"), SIGNUP)
    other = client.__class__()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        other.post(reverse("loop:signup"), {**SIGNUP, "handle": "aiko_two"})
        assert list(LoopAccount.objects.values_list("handle", flat=True)) == ["aiko_two"]
        run_tasks()
        code = sent.code_for("aiko@example.com")
        # The first browser's sign-up was replaced: the new code does not confirm it.
        assert b'data-error-code="code.invalid"' in client.post(reverse("loop:signup_verify"), {"code": code}).content
        assert other.post(reverse("loop:signup_verify"), {"code": code}).status_code == 302


def test_signing_up_again_and_again_cannot_flood_an_address(client: Any, sent: Any, run_tasks: Any) -> None:
    start = timezone.now()
    answers = []
    for attempt in range(7):
        with time_machine.travel(start + timedelta(minutes=attempt * 2)):
            response = client.__class__().post(reverse("loop:signup"), {**SIGNUP, "handle": f"aiko{attempt}"})
            answers.append(response.status_code)
    run_tasks()
    assert len(sent.messages("aiko@example.com")) == 5
    assert answers == [302] * 5 + [200] * 2


def test_a_taken_address_and_a_free_one_answer_alike_under_repeated_sign_ups(
    client: Any, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    free = [client.__class__().post(reverse("loop:signup"), {**SIGNUP, "handle": f"free{n}"}) for n in range(2)]
    taken = [
        client.__class__().post(
            reverse("loop:signup"), {**SIGNUP, "handle": f"taken{n}", "contact": "sakura@example.com"}
        )
        for n in range(2)
    ]
    assert [r.status_code for r in free] == [r.status_code for r in taken] == [302, 200]
    assert b"code.resend_too_soon" in free[1].content and b"code.resend_too_soon" in taken[1].content
    run_tasks()
    assert len(sent.messages("sakura@example.com")) == 1


def test_children_under_13_cannot_sign_up(client: Any) -> None:
    today = timezone.localdate()
    response = client.post(reverse("loop:signup"), {**SIGNUP, "birth_date": date(today.year - 12, 1, 1).isoformat()})
    assert b'data-error-code="signup.too_young"' in response.content
    assert not LoopAccount.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("handle", "a"),
        ("handle", "no spaces allowed"),
        ("contact", "not-an-email@"),
        ("contact", "12"),
        ("birth_date", "2999-01-01"),
        ("birth_date", "yesterday"),
        ("password", "123"),
        ("display_name", "   "),
    ],
)
def test_bad_sign_up_input_is_refused_on_its_field(client: Any, field: str, value: str) -> None:
    response = client.post(reverse("loop:signup"), {**SIGNUP, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not LoopAccount.objects.exists()


def test_the_code_page_without_a_sign_up_goes_back_to_sign_up(client: Any) -> None:
    response = client.get(reverse("loop:signup_verify"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("loop:signup")
    assert "expired" in response.content.decode()
