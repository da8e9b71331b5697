"""Faults while unlinking, with both platforms as real processes (DESIGN §5 R2, R9; §7 delivery).

One part at a time is taken down or killed: Loop's web server during a business-side unlink, the
business web server during Remove access, Loop's worker in the middle of a webhook delivery. In
each case the unlink completes once the part is back, and both sides end up agreeing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cluster import Cluster, running_cluster
from tests.e2e.http_flows import (
    business_link,
    confirm_unlink,
    create_people,
    link,
    remove_access,
    send_unlink_code,
    tokens_of,
)
from tests.e2e.polling import wait_until

# Retries are quick at first (1 s, 2 s, 4 s …); the sweep runs every second instead of every 15.
FAST_SWEEPS = {"ACCOUNTLINK_SWEEP_SECONDS": "1"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(Path(tmp_path_factory.mktemp("faults")), FAST_SWEEPS) as running:
        yield running


def pending_revocations(cluster: Cluster) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = cluster.python(
        "business",
        "import json\n"
        "from django.db.models import F\n"
        "from accountlink.business.linking.models import LoopRevocation\n"
        "print(json.dumps(list(LoopRevocation.objects.filter(call__done_at=None, reason='unlinked_by_holder')"
        ".values('id', attempts=F('call__attempts'), last_error=F('call__last_error')))))",
    )
    return rows


def delivery_for(cluster: Cluster, handle: str) -> dict[str, object]:
    """The newest webhook delivery Loop made about @handle."""
    found: dict[str, object] = cluster.python(
        "consumer",
        "import json\n"
        "from accountlink.consumer.accounts.models import LoopAccount\n"
        "from accountlink.consumer.oauth.models import ClientOpenId\n"
        "from accountlink.consumer.webhooks.models import WebhookDelivery\n"
        f"ids = ClientOpenId.objects.filter(account__handle={handle!r}).values_list('value', flat=True)\n"
        "w = WebhookDelivery.objects.filter(user_openid__in=list(ids)).order_by('-id').first()\n"
        "d = None if w is None else w.call\n"
        "from django.utils import timezone\n"
        "print(json.dumps(None if d is None else {'id': w.id, 'status': d.status, 'attempts': d.attempts,"
        " 'logged': d.attempt_log.count(), 'succeeded': d.attempt_log.filter(succeeded=True).count(),"
        " 'due_in': None if d.next_attempt_at is None else (d.next_attempt_at - timezone.now()).total_seconds()}))",
    )
    return found


def test_loop_down_during_a_business_unlink_the_link_ends_and_revocation_completes_when_loop_is_back(
    cluster: Cluster,
) -> None:
    [pair] = create_people(cluster, 1)
    link(cluster, pair)
    access, refresh = tokens_of(cluster, [pair])[pair.business_email]
    code = send_unlink_code(cluster, pair)

    cluster.stop("consumer", "web")
    try:
        confirm_unlink(cluster, pair, code)
        assert business_link(cluster, pair)["linked"] is False
        # The request's own attempt failed; the revocation waits, with its error, for the next try.
        wait_until(lambda: any(row["attempts"] for row in pending_revocations(cluster)), timeout=20, interval=0.3)
    finally:
        cluster.start("consumer", "web")

    wait_until(lambda: not pending_revocations(cluster), timeout=30, interval=0.3)
    assert cluster.introspect(access) is False
    assert cluster.introspect(refresh) is False


def test_business_down_during_remove_access_the_webhook_arrives_after_it_comes_back(cluster: Cluster) -> None:
    [pair] = create_people(cluster, 1)
    link(cluster, pair)
    access, refresh = tokens_of(cluster, [pair])[pair.business_email]

    cluster.stop("business", "web")
    try:
        remove_access(cluster, pair)
        # Loop's side is done at once, whatever the business platform's state.
        assert cluster.introspect(access) is False
        assert cluster.introspect(refresh) is False
        wait_until(lambda: int(str(delivery_for(cluster, pair.handle)["logged"])) >= 1, timeout=20, interval=0.3)
        assert delivery_for(cluster, pair.handle)["status"] == "pending"
    finally:
        cluster.start("business", "web")

    wait_until(lambda: business_link(cluster, pair)["linked"] is False, timeout=30, interval=0.3)
    delivery = delivery_for(cluster, pair.handle)
    assert delivery["status"] == "done"
    assert int(str(delivery["logged"])) >= 2  # the failed attempts and the one that worked


def test_a_worker_killed_mid_delivery_leaves_the_webhook_to_the_restarted_worker(cluster: Cluster) -> None:
    [pair] = create_people(cluster, 1)
    link(cluster, pair)

    # A frozen business server accepts the connection and never answers: an attempt hangs.
    cluster.pause("business", "web")
    try:
        remove_access(cluster, pair)
        # The request's own attempt gives up after its 2-second timeout and is on record (logged 1).
        # On a busy machine the worker, which polls every 0.1 s, can lease the call between the commit
        # and that attempt, which then finds it leased and records nothing (logged 0; seen on a
        # clean-clone run). Either way nothing has succeeded.
        delivery = delivery_for(cluster, pair.handle)
        assert (delivery["status"], delivery["succeeded"]) == ("pending", 0)
        assert delivery["logged"] in (0, 1)
        # The worker takes the retry (due within a second): it leases the delivery for 15 s and waits.
        wait_until(lambda: float(str(delivery_for(cluster, pair.handle)["due_in"])) > 10, timeout=10, interval=0.1)
        logged = delivery_for(cluster, pair.handle)["logged"]
        cluster.stop("consumer", "worker", kill=True)
        delivery = delivery_for(cluster, pair.handle)
        assert delivery["status"] == "pending"
        assert delivery["logged"] == logged  # the killed worker recorded nothing
    finally:
        cluster.resume("business", "web")

    cluster.start("consumer", "worker")
    # Once the dead worker's lease runs out, the sweep queues the delivery again for the new worker.
    wait_until(lambda: delivery_for(cluster, pair.handle)["status"] == "done", timeout=60, interval=0.5)
    assert business_link(cluster, pair)["linked"] is False
    delivery = delivery_for(cluster, pair.handle)
    assert (delivery["logged"], delivery["succeeded"]) == (int(str(logged)) + 1, 1)  # one more: the one that worked
