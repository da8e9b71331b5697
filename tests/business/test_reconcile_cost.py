"""A reconciliation whose cost follows the changes, not the links (issue 18): Loop's log of ended grants
read from where the last pass stopped, a rolling check of a fixed number of links per pass, passes
that never overlap, and a queue and worker of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions import reconcile_state
from accountlink.business.linking.actions.reconciliation import do_reconcile_links
from accountlink.business.linking.models import LoopLink, ReconcileState
from accountlink.business.linking.tasks import reconcile_links
from accountlink.devtools.processes import child_commands
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.management.commands.run_periodic import enqueue_unless_waiting
from tests.business.fake_loop import FakeLoop, LoopPerson
from tests.business.pages import link

pytestmark = pytest.mark.django_db

RECONCILE = "accountlink.business.linking.tasks.reconcile_links"


@pytest.fixture
def five_links(make_business_account: Any, fake_loop: FakeLoop) -> list[tuple[BusinessAccount, LoopPerson]]:
    made = []
    for handle in ("ann", "ben", "cho", "dai", "eve"):
        account = make_business_account(email=f"{handle}.biz@example.com")
        browser = HttpClient()
        browser.force_login(account)
        person = fake_loop.person(handle)
        link(browser, fake_loop, person)
        made.append((account, person))
    return made


def introspected_handles(fake_loop: FakeLoop) -> list[str]:
    by_token = {link.refresh_token: link.username for link in LoopLink.objects.all()}
    return [by_token.get(token, "?") for token in fake_loop.introspected]


def test_each_periodic_pass_asks_about_a_fixed_number_of_links_those_checked_longest_ago(
    five_links: list[Any], fake_loop: FakeLoop, settings: Any
) -> None:
    settings.ACCOUNTLINK_RECONCILE_CHECKS_PER_PASS = 2
    for expected in (["ann", "ben"], ["cho", "dai"], ["eve", "ann"]):
        fake_loop.introspected.clear()
        result = do_reconcile_links()
        assert (result.checked, introspected_handles(fake_loop)) == (2, expected)


def test_reconcile_asks_about_every_link(five_links: list[Any], fake_loop: FakeLoop, settings: Any) -> None:
    settings.ACCOUNTLINK_RECONCILE_CHECKS_PER_PASS = 2
    call_command("reconcile", stdout=None)
    assert sorted(introspected_handles(fake_loop)) == ["ann", "ben", "cho", "dai", "eve"]


def test_the_log_is_read_from_a_little_before_where_the_last_pass_stopped(
    five_links: list[Any], fake_loop: FakeLoop, settings: Any
) -> None:
    settings.ACCOUNTLINK_RECONCILE_CHECKS_PER_PASS = 0
    fake_loop.remove_access(five_links[0][1])
    fake_loop.remove_access(five_links[1][1])
    fake_loop.remove_access(five_links[2][1])  # three endings: two pages of two
    first = do_reconcile_links()
    assert first.endings_read == 3 and len(first.ended) == 3
    assert [read.get("cursor", "") for read in fake_loop.endings_read] == ["", "2"]
    last = max(ending["ended_at"] for ending in fake_loop.endings)
    assert ReconcileState.objects.get().endings_read_until == pytest.approx(last)

    fake_loop.endings_read.clear()
    second = do_reconcile_links()
    assert float(fake_loop.endings_read[0]["since"]) == pytest.approx(last - 300, abs=1e-5)
    # The same endings again (the overlap): nothing more ends, nothing is audited twice.
    assert second.endings_read == 3 and second.ended == []
    assert AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).count() == 3


def test_an_ending_from_before_the_link_was_made_again_is_ignored(
    five_links: list[Any], fake_loop: FakeLoop, settings: Any
) -> None:
    """The log's time is exact: an ending from just before the person linked again does not end the
    new link, even within the same second."""
    settings.ACCOUNTLINK_RECONCILE_CHECKS_PER_PASS = 0
    account, person = five_links[0]
    fake_loop.remove_access(person)
    ended_at = fake_loop.endings[-1]["ended_at"]
    LoopLink.objects.filter(account=account).update(linked_at=datetime.fromtimestamp(ended_at + 0.0005, tz=UTC))
    result = do_reconcile_links()
    assert result.endings_read == 1 and result.ended == []
    assert LoopLink.objects.filter(account=account).exists()


def test_a_pass_does_nothing_while_another_holds_the_lease(five_links: list[Any], fake_loop: FakeLoop) -> None:
    assert reconcile_state.take_lease()
    assert do_reconcile_links().running_elsewhere
    assert fake_loop.introspected == [] and fake_loop.endings_read == []
    with pytest.raises(CommandError) as refused:
        call_command("reconcile", stdout=None)
    assert refused.value.returncode == 3
    reconcile_state.release_lease()
    assert not do_reconcile_links().running_elsewhere


def test_a_lease_left_by_a_killed_pass_runs_out(five_links: list[Any], fake_loop: FakeLoop) -> None:
    ReconcileState.objects.update_or_create(pk=1, defaults={"lease_until": timezone.now() - reconcile_state.LEASE})
    assert not do_reconcile_links().running_elsewhere
    assert ReconcileState.objects.get().lease_until is None


def test_the_periodic_pass_has_a_queue_and_a_worker_of_its_own() -> None:
    assert reconcile_links.queue_name == "reconcile"
    business = child_commands("business", 8002, 2)
    assert business["worker"][business["worker"].index("--queue-name") + 1] == "default"
    assert business["reconcile-worker"][business["reconcile-worker"].index("--queue-name") + 1] == "reconcile"
    consumer = child_commands("consumer", 8001, 2)
    assert consumer["worker"][consumer["worker"].index("--queue-name") + 1] == "*"
    assert "reconcile-worker" not in consumer


def test_a_periodic_task_is_not_queued_again_while_one_is_waiting(db: None) -> None:
    enqueue_unless_waiting(RECONCILE)
    enqueue_unless_waiting(RECONCILE)
    waiting = DBTaskResult.objects.ready().filter(task_path=RECONCILE)
    assert waiting.count() == 1 and waiting.get().queue_name == "reconcile"
