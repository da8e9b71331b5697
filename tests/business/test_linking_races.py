"""R1 under concurrent requests: real threads on PostgreSQL (SQLite serialises writers anyway).

A Loop account is linked to at most one business account and a business account to at most one Loop
account, however many requests race; every loser gets its ``link.*`` code and its tokens revoked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.link import do_create_account_with_loop, do_link_loop_account
from accountlink.business.linking.models import LoopLink
from accountlink.business.linking.provider import LoopIdentity, TokenSet
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import ErrorCode
from tests.business.fake_loop import FakeLoop
from tests.concurrency import THREADS, in_parallel

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="race tests run on PostgreSQL"),
]


def identity(open_id: str) -> LoopIdentity:
    return LoopIdentity(
        open_id=open_id,
        union_id=f"union-{open_id}",
        username=open_id.removeprefix("open-"),
        display_name=open_id.removeprefix("open-").title(),
        avatar_url=f"https://loop.test/v2/avatar/{open_id}.svg",
    )


def tokens(open_id: str, number: int) -> TokenSet:
    now = timezone.now()
    return TokenSet(
        access_token=f"access-{open_id}-{number}",
        refresh_token=f"refresh-{open_id}-{number}",
        open_id=open_id,
        scopes="user.info.basic,user.info.profile",
        access_expires_at=now + timedelta(days=1),
        refresh_expires_at=now + timedelta(days=365),
    )


def test_one_loop_account_is_linked_to_one_of_twenty_business_accounts(
    make_business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    accounts = [make_business_account() for _ in range(THREADS)]

    results = in_parallel(
        lambda number: do_link_loop_account(accounts[number], identity("open-sakura"), tokens("open-sakura", number))
    )

    winners = [number for number, result in enumerate(results) if isinstance(result, LoopLink)]
    assert len(winners) == 1
    assert results.count(ErrorCode.LINK_ALREADY_LINKED) == THREADS - 1
    (link,) = LoopLink.objects.all()
    assert link.open_id == "open-sakura"
    assert link.account_id == accounts[winners[0]].pk
    assert link.refresh_token == f"refresh-open-sakura-{winners[0]}"
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_LINKED).count() == 1
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_LINK_REFUSED).count() == THREADS - 1

    run_tasks()

    losers = {f"refresh-open-sakura-{number}" for number in range(THREADS) if number != winners[0]}
    assert sorted(fake_loop.revoked) == sorted(losers)


def test_one_business_account_is_linked_to_one_of_twenty_loop_accounts(
    business_account: BusinessAccount, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    results = in_parallel(
        lambda number: do_link_loop_account(
            business_account, identity(f"open-person{number}"), tokens(f"open-person{number}", number)
        )
    )

    winners = [number for number, result in enumerate(results) if isinstance(result, LoopLink)]
    assert len(winners) == 1
    assert results.count(ErrorCode.LINK_BUSINESS_HAS_LINK) == THREADS - 1
    (link,) = LoopLink.objects.all()
    assert link.account_id == business_account.pk
    assert link.open_id == f"open-person{winners[0]}"
    refused = AuditEvent.objects.filter(account=business_account, kind=EventKind.LOOP_LINK_REFUSED)
    assert [event.data["code"] for event in refused] == ["link.business_has_link"] * (THREADS - 1)

    run_tasks()

    losers = {f"refresh-open-person{number}-{number}" for number in range(THREADS) if number != winners[0]}
    assert sorted(fake_loop.revoked) == sorted(losers)


def test_twenty_continue_with_loop_sign_ups_of_one_loop_account_make_one_business_account(
    db: None, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    accounts_before = BusinessAccount.objects.count()

    results = in_parallel(
        lambda number: do_create_account_with_loop(identity("open-aiko"), tokens("open-aiko", number), language="en")
    )

    created = [result for result in results if isinstance(result, BusinessAccount)]
    assert len(created) == 1
    assert results.count(ErrorCode.LINK_ALREADY_LINKED) == THREADS - 1
    assert BusinessAccount.objects.count() == accounts_before + 1  # the losers left no account behind
    assert LoopLink.objects.get().account_id == created[0].pk

    run_tasks()

    assert len(fake_loop.revoked) == THREADS - 1
    assert LoopLink.objects.get().refresh_token not in fake_loop.revoked
