"""Codes under concurrent requests, with real threads on PostgreSQL (SQLite serialises writers anyway)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from accountlink.kit.codes.actions import issue_code, redeem_code
from accountlink.kit.codes.models import Channel, VerificationCode
from tests.concurrency import in_parallel

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="race tests run on PostgreSQL"),
]


def test_a_code_is_redeemed_once_under_twenty_parallel_submissions(loop_account: Any) -> None:
    with transaction.atomic():
        code = issue_code(loop_account, purpose="race", channel=Channel.EMAIL, destination="sakura@example.com")
    results = in_parallel(
        lambda _: redeem_code(
            loop_account, purpose="race", destination="sakura@example.com", code=code, then=lambda row: "ok"
        )
    )
    assert results.count("ok") == 1
    assert VerificationCode.objects.get().consumed_at is not None


def test_wrong_tries_are_all_counted_under_parallel_submissions(loop_account: Any) -> None:
    with transaction.atomic():
        code = issue_code(loop_account, purpose="race", channel=Channel.EMAIL, destination="sakura@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    in_parallel(
        lambda _: redeem_code(
            loop_account, purpose="race", destination="sakura@example.com", code=wrong, then=lambda row: "ok"
        )
    )
    assert VerificationCode.objects.get().attempts == 5  # capped, and the code is void


def test_parallel_requests_cannot_go_round_the_resend_limit(loop_account: Any) -> None:
    def request_code(_: int) -> str:
        with transaction.atomic():
            return issue_code(loop_account, purpose="race", channel=Channel.EMAIL, destination="sakura@example.com")

    results = in_parallel(request_code)
    assert sum(isinstance(result, str) and result.isdigit() for result in results) == 1
    assert VerificationCode.objects.count() == 1
