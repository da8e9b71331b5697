"""Reconciliation against a provider with no introspection endpoint (TikTok, R2): a link's grant is
live when user info answers its access token; an expired or refused access token is settled by a
refresh, which fails with ``invalid_grant`` only when the grant is gone. Loop's answers come from the
fake provider at TikTok's real endpoints.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.conf import TIKTOK_ENDPOINTS
from accountlink.business.linking.actions.refresh import do_queue_refresh
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.business.fake_loop import FakeLoop, LoopPerson, live_access_tokens, live_refresh_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiktok(settings: Any, fake_loop: FakeLoop, two_links: Any) -> FakeLoop:
    """From here on, the TikTok preset: the fake provider answers at TikTok's endpoints only."""
    settings.ACCOUNTLINK_LOOP_PROVIDER = "tiktok"
    fake_loop.mock.reset()
    fake_loop.answer(TIKTOK_ENDPOINTS)
    fake_loop.user_info_asked.clear()
    fake_loop.token_requests.clear()
    return fake_loop


def reconcile() -> list[str]:
    out = StringIO()
    call_command("reconcile", stdout=out)
    return out.getvalue().splitlines()


def is_linked(account: BusinessAccount) -> bool:
    return LoopLink.objects.filter(account=account).exists()


def test_a_link_whose_grant_is_gone_ends_and_a_live_one_stays_without_introspection(
    tiktok: FakeLoop, two_links: dict[str, tuple[BusinessAccount, LoopPerson]]
) -> None:
    sakura_account, sakura = two_links["sakura"]
    hana_account, _hana = two_links["hana"]
    hana_access = LoopLink.objects.get(account=hana_account).access_token
    tiktok.remove_access(sakura)

    assert reconcile() == [
        f"Ended the link of business account #{sakura_account.pk} to @sakura: its grant is gone on Loop.",
        "Checked 2 links; ended 1.",
    ]

    assert not is_linked(sakura_account) and is_linked(hana_account)
    assert tiktok.introspected == []
    assert hana_access in tiktok.user_info_asked
    # sakura's refused access token was settled by a refresh, which the gone grant refused; hana's
    # live access token needed none.
    assert [request["grant_type"] for request in tiktok.token_requests] == ["refresh_token"]
    event = AuditEvent.objects.get(account=sakura_account, kind=EventKind.LOOP_UNLINKED)
    assert event.data["reason"] == "reconciled"
    assert not LoopRevocation.objects.exists()


def test_an_expired_access_token_is_refreshed_first_and_the_new_tokens_are_kept(
    tiktok: FakeLoop, two_links: dict[str, tuple[BusinessAccount, LoopPerson]], clock: Any
) -> None:
    sakura_account, sakura = two_links["sakura"]
    clock.shift(timedelta(seconds=tiktok.expires_in + 1))

    assert reconcile() == ["Checked 2 links; ended 0."]

    current = LoopLink.objects.get(account=sakura_account)
    assert live_refresh_tokens(tiktok, sakura) == {current.refresh_token}
    assert live_access_tokens(tiktok, sakura) >= {current.access_token}
    assert not current.access_expired()
    assert tiktok.user_info_asked == []  # a refresh that works says the grant is live


def test_an_expired_access_token_of_a_gone_grant_ends_the_link(
    tiktok: FakeLoop, two_links: dict[str, tuple[BusinessAccount, LoopPerson]], clock: Any
) -> None:
    sakura_account, sakura = two_links["sakura"]
    tiktok.remove_access(sakura)
    clock.shift(timedelta(seconds=tiktok.expires_in + 1))

    assert reconcile()[-1] == "Checked 2 links; ended 1."
    assert not is_linked(sakura_account) and is_linked(two_links["hana"][0])


def test_a_refused_access_token_of_a_live_grant_keeps_the_link(
    tiktok: FakeLoop, two_links: dict[str, tuple[BusinessAccount, LoopPerson]]
) -> None:
    sakura_account, sakura = two_links["sakura"]
    for token in live_access_tokens(tiktok, sakura):
        del tiktok.access_tokens[token]  # user info refuses it, but the grant lives on

    assert reconcile() == ["Checked 2 links; ended 0."]
    current = LoopLink.objects.get(account=sakura_account)
    assert live_refresh_tokens(tiktok, sakura) == {current.refresh_token}


def test_a_link_whose_refresh_is_under_way_is_left_to_it(
    tiktok: FakeLoop, two_links: dict[str, tuple[BusinessAccount, LoopPerson]]
) -> None:
    sakura_account, sakura = two_links["sakura"]
    do_queue_refresh(LoopLink.objects.get(account=sakura_account))
    tiktok.remove_access(sakura)

    assert reconcile() == ["Checked 2 links; ended 0."]
    assert tiktok.token_requests == []  # its refresh token is presented once, by the refresh


def test_with_the_provider_down_nothing_changes_and_the_command_fails(
    tiktok: FakeLoop, two_links: dict[str, tuple[BusinessAccount, LoopPerson]]
) -> None:
    tiktok.remove_access(two_links["sakura"][1])
    tiktok.down = True
    with pytest.raises(CommandError):
        call_command("reconcile", stdout=StringIO())
    assert LoopLink.objects.count() == 2
    assert not AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).exists()
