"""Demo data never undoes what people did (issue 14): each demo link is made once, and a conflict is
one line of output, not a failed start-up."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.link import do_create_account_with_loop
from accountlink.business.linking.actions.reconciliation import do_end_link_removed_on_loop
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.linking.provider import LoopIdentity, token_set
from tests.business.fake_loop import FakeLoop, LoopPerson

pytestmark = pytest.mark.django_db


def grant_for(loop: FakeLoop, person: LoopPerson) -> dict[str, Any]:
    """What Loop's ``demo_grants`` prints for one handle: a token response and user info."""
    tokens = loop._issue(person)
    return {
        "handle": person.username,
        "tokens": tokens,
        "user": {"open_id": person.open_id, "username": person.username, "display_name": person.display_name},
    }


def load_demo_links(monkeypatch: pytest.MonkeyPatch, grants: list[dict[str, Any]]) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(grants)))
    out = io.StringIO()
    call_command("load_demo_links", stdout=out)
    return out.getvalue()


def missing() -> list[str]:
    out = io.StringIO()
    call_command("load_demo_links", "--missing", stdout=out)
    result: list[str] = json.loads(out.getvalue())
    return result


@pytest.fixture
def demo_accounts() -> None:
    call_command("load_demo", stdout=io.StringIO())


def test_a_fresh_platform_misses_every_demo_link(demo_accounts: None) -> None:
    assert missing() == ["sakura", "maria", "kenji", "ren"]


def test_demo_links_are_made_once_and_then_no_longer_missing(
    demo_accounts: None, fake_loop: FakeLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [fake_loop.person(handle) for handle in ("sakura", "maria", "kenji", "ren")]

    output = load_demo_links(monkeypatch, [grant_for(fake_loop, person) for person in people])

    assert output.strip() == "Loop for Business demo links: 4 created."
    assert missing() == []
    assert LoopLink.objects.get(account__email="maria.biz@example.com").username == "maria"


def test_a_demo_link_someone_ended_is_not_made_again(
    demo_accounts: None, fake_loop: FakeLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    maria = fake_loop.person("maria")
    load_demo_links(monkeypatch, [grant_for(fake_loop, maria)])
    link = LoopLink.objects.get(username="maria")
    # @maria pressed Remove access on Loop: the webhook ended the link.
    do_end_link_removed_on_loop(link.open_id, reason=1, event_time=2_000_000_000)
    assert not LoopLink.objects.filter(username="maria").exists()

    assert "maria" not in missing()
    output = load_demo_links(monkeypatch, [grant_for(fake_loop, maria)])

    assert output.strip() == "Loop for Business demo links: 0 created."
    assert not LoopLink.objects.filter(account__email="maria.biz@example.com").exists()


def test_a_demo_link_whose_loop_account_is_linked_elsewhere_is_one_line_and_loading_goes_on(
    demo_accounts: None, fake_loop: FakeLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """@maria used Continue with Loop before the demo link was ever made (say the first start-up was
    stopped half way): her Loop account is linked to a new business account, so maria.biz cannot be."""
    maria, sakura = fake_loop.person("maria"), fake_loop.person("sakura")
    first = grant_for(fake_loop, maria)
    identity = LoopIdentity(open_id=maria.open_id, union_id="", username="maria", display_name="María", avatar_url="")
    do_create_account_with_loop(identity, token_set(first["tokens"]), language="es")
    conflicting = grant_for(fake_loop, maria)

    output = load_demo_links(monkeypatch, [conflicting, grant_for(fake_loop, sakura)])

    assert output.splitlines() == [
        "Demo link @maria → maria.biz@example.com not made: This Loop account is already linked to another "
        "Loop for Business account. Unlink it there first, then try again.",
        "Loop for Business demo links: 1 created.",
    ]
    assert not LoopLink.objects.filter(account__email="maria.biz@example.com").exists()
    assert LoopLink.objects.filter(account__email="sakura.biz@example.com").exists()
    # The tokens Loop issued for the refused link are revoked, as for any refused link.
    revocation = LoopRevocation.objects.get(open_id=maria.open_id, reason="discarded")
    assert revocation.token == conflicting["tokens"]["refresh_token"]


def test_a_grant_loop_could_not_make_is_one_line(demo_accounts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    output = load_demo_links(monkeypatch, [{"handle": "ren", "error": "no Loop account @ren"}])

    assert output.splitlines() == [
        "Demo link @ren → managed@example.com not made: no Loop account @ren",
        "Loop for Business demo links: 0 created.",
    ]
    assert BusinessAccount.objects.filter(email="managed@example.com").exists()
