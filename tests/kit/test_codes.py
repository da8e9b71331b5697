from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from accountlink.kit.codes.actions import issue_code, redeem_code
from accountlink.kit.codes.models import Channel, VerificationCode
from accountlink.kit.errors import CodedError, ErrorCode

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "sakura@example.com"


def issue(account: Any, destination: str = EMAIL, purpose: str = "test") -> str:
    with transaction.atomic():
        return issue_code(account, purpose=purpose, channel=Channel.EMAIL, destination=destination)


def redeem(account: Any, code: str, destination: str = EMAIL, purpose: str = "test") -> str:
    return redeem_code(account, purpose=purpose, destination=destination, code=code, then=lambda row: "done")


def test_a_code_is_six_digits_stored_only_as_a_hash(loop_account: Any) -> None:
    code = issue(loop_account)
    assert len(code) == 6 and code.isdigit()
    row = VerificationCode.objects.get()
    assert code not in row.code_hash
    assert row.expires_at - row.created_at == timedelta(minutes=10)


def test_the_right_code_works_once(loop_account: Any) -> None:
    code = issue(loop_account)
    assert redeem(loop_account, code) == "done"
    with pytest.raises(CodedError) as error:
        redeem(loop_account, code)
    assert error.value.code == ErrorCode.CODE_INVALID


def test_a_code_is_bound_to_its_destination_and_purpose(loop_account: Any) -> None:
    code = issue(loop_account)
    with pytest.raises(CodedError):
        redeem(loop_account, code, destination="other@example.com")
    with pytest.raises(CodedError):
        redeem(loop_account, code, purpose="other")
    assert redeem(loop_account, code) == "done"


def test_a_code_is_bound_to_its_account(loop_account: Any, make_loop_account: Any) -> None:
    other = make_loop_account()
    code = issue(loop_account)
    with pytest.raises(CodedError):
        redeem(other, code)


def test_a_code_expires_after_ten_minutes(loop_account: Any) -> None:
    code = issue(loop_account)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)), pytest.raises(CodedError) as error:
        redeem(loop_account, code)
    assert error.value.code == ErrorCode.CODE_EXPIRED


def test_five_wrong_tries_void_the_code(loop_account: Any) -> None:
    code = issue(loop_account)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    codes = []
    for _ in range(5):
        with pytest.raises(CodedError) as error:
            redeem(loop_account, wrong)
        codes.append(error.value.code)
    assert codes == [ErrorCode.CODE_INVALID] * 4 + [ErrorCode.CODE_TOO_MANY_ATTEMPTS]
    with pytest.raises(CodedError):
        redeem(loop_account, code)  # even the right one no longer works
    assert VerificationCode.objects.get().attempts == 5


def test_a_new_code_voids_the_previous_one(loop_account: Any) -> None:
    first = issue(loop_account)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        second = issue(loop_account)
        with pytest.raises(CodedError):
            redeem(loop_account, first)
        assert redeem(loop_account, second) == "done"


def test_resend_is_refused_within_sixty_seconds(loop_account: Any) -> None:
    issue(loop_account)
    with time_machine.travel(timezone.now() + timedelta(seconds=30)), pytest.raises(CodedError) as error:
        issue(loop_account)
    assert error.value.code == ErrorCode.CODE_RESEND_TOO_SOON
    assert "seconds" in error.value.message


def test_hourly_cap_per_destination(loop_account: Any) -> None:
    start = timezone.now()
    for minute in range(5):
        with time_machine.travel(start + timedelta(minutes=2 * minute)):
            issue(loop_account)
    with time_machine.travel(start + timedelta(minutes=11)), pytest.raises(CodedError) as error:
        issue(loop_account)
    assert error.value.code == ErrorCode.CODE_RATE_LIMITED
    with time_machine.travel(start + timedelta(minutes=70)):
        issue(loop_account)  # an hour later it works again


def test_hourly_cap_per_account_across_destinations(loop_account: Any) -> None:
    start = timezone.now()
    for number in range(10):
        with time_machine.travel(start + timedelta(minutes=number)):
            issue(loop_account, destination=f"a{number}@example.com")
    with time_machine.travel(start + timedelta(minutes=12)), pytest.raises(CodedError) as error:
        issue(loop_account, destination="new@example.com")
    assert error.value.code == ErrorCode.CODE_RATE_LIMITED


def test_the_wait_is_said_in_the_right_number(loop_account: Any) -> None:
    issue(loop_account)
    later = timezone.now() + timedelta(seconds=59, milliseconds=500)
    with time_machine.travel(later), pytest.raises(CodedError) as error:
        issue(loop_account)
    assert error.value.message == "Please wait 1 second before requesting another code."
