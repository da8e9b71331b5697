"""Loop ended the grant behind a link: its ``authorization.removed`` notice (webhooks_in), or the
reconciliation (a periodic task, and ``manage.py reconcile``).

A reconciliation pass costs what changed, not how many links there are (issue 18; docs/unlinking.md):

1. It reads Loop's log of this app's ended grants (``POST /v2/oauth/grant_endings/``) from a little
   before where the last pass stopped: a webhook that never arrived is repaired within one period.
2. It asks Loop about the grants of the links checked longest ago, ``CHECKS_PER_PASS`` of them
   (every link with ``every_link``, as ``manage.py reconcile`` does): introspection, or, from a
   provider without it (TikTok), user info and a refresh. A disagreement the log cannot show is
   repaired within one turn of this rolling check.

Passes never overlap (a lease in ``ReconcileState``), and run on their own queue and worker, so a
long one delays no code email or revocation. Either way a link ends with ``do_end_link`` and no
revocation is queued: Loop already knows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from accountlink.business.conf import business_settings
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.models import CallStatus

from .. import provider
from ..models import LinkRefresh, LoopLink
from . import reconcile_state
from .refresh import do_store_refreshed_tokens
from .revocation import KIND as REVOCATION
from .unlink import do_end_link

log = logging.getLogger(__name__)

# ``content.reason`` of ``authorization.removed`` (DESIGN §7).
LOOP_REASONS = {
    0: "unknown",
    1: "removed_on_loop",
    2: "loop_account_deleted",
    3: "loop_age_changed",
    4: "loop_account_suspended",
    5: "revoked_by_client",
}


@dataclass(frozen=True)
class RemovalOutcome:
    ended: bool
    why: str  # "ended", "not_linked" or "stale"
    link: tuple[int, str] | None = None  # (business account id, Loop username) of the link it ended


def do_end_link_removed_on_loop(
    open_id: str, *, reason: int, event_time: float, via: str = "webhook", to_the_second: bool = True
) -> RemovalOutcome:
    """Loop says the holder's authorization is gone (webhook ``authorization.removed``, or its log of
    grant endings with ``via="grant_log"``).

    A removal from before the current link was made (a delayed or replayed notice about an earlier
    link of the same Loop account) is ignored, and so is one for an open_id that is not linked. A
    webhook's time is in whole seconds (``to_the_second``): within the second the link was made, the
    removal is taken as later, so it ends the link rather than miss an ending. The log's time is exact.
    """
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().select_related("account").filter(open_id=open_id).first()
        if link is None:
            return RemovalOutcome(False, "not_linked")
        linked = link.linked_at.timestamp()
        if event_time < (int(linked) if to_the_second else linked):
            record(
                EventKind.WEBHOOK_IGNORED,
                account=link.account,
                event="authorization.removed",
                reason=LOOP_REASONS.get(reason, "unknown"),
                event_time=datetime.fromtimestamp(event_time, UTC).isoformat(),
            )
            return RemovalOutcome(False, "stale")
        do_end_link(link, reason=LOOP_REASONS.get(reason, "unknown"), actor=None, revoke=False, via=via)
        return RemovalOutcome(True, "ended", (link.account_id, link.username))


@dataclass(frozen=True)
class ReconcileResult:
    checked: int
    ended: list[tuple[int, str]]  # (business account id, Loop username) of each link ended
    unreachable: bool
    endings_read: int | None = None  # None: the log was not read (no log, no links, or Loop unreachable)
    running_elsewhere: bool = False  # another pass holds the lease: this one did nothing


def do_reconcile_links(*, every_link: bool = False) -> ReconcileResult:
    """One pass: Loop's log of ended grants since the last pass, then the rolling check of the links
    checked longest ago (all of them with ``every_link``); the links whose grant is gone end with
    their reason. Stops, changing nothing more, if Loop cannot be reached or answers otherwise: that
    is no evidence that a grant is gone. No lock is held while Loop answers.
    """
    if not reconcile_state.take_lease():
        return ReconcileResult(0, [], unreachable=False, running_elsewhere=True)
    try:
        # Revocations given up after 72 hours get one more attempt each pass: Loop must learn of every unlink.
        outbound.do_retry_given_up_calls(REVOCATION)
        ended: list[tuple[int, str]] = []
        read = None
        # With no link, no ending can matter: one about a link made later is older than that link.
        if provider.can_read_grant_endings() and LoopLink.objects.exists():
            try:
                read = _read_grant_endings(ended)
            except (provider.ProviderUnavailable, provider.ProviderRefused) as error:
                log.warning("could not read Loop's log of grant endings: %s", error)
                return ReconcileResult(0, ended, unreachable=True)
        checked, unreachable = _check_links(ended, every_link=every_link)
        return ReconcileResult(checked, ended, unreachable=unreachable, endings_read=read)
    finally:
        reconcile_state.release_lease()


def _read_grant_endings(ended: list[tuple[int, str]]) -> int:
    """Apply every ending Loop logged since the last pass, as its webhook would be (with the log's
    exact time); returns how many were read. Each pass starts ``RECONCILE_LOG_OVERLAP_SECONDS``
    before where the last one stopped, so an ending whose transaction committed late is still read;
    one read twice changes nothing. The position is kept after each page."""
    last = reconcile_state.state().endings_read_until
    overlap = business_settings.RECONCILE_LOG_OVERLAP_SECONDS
    since = max(0.0, last - overlap) if last is not None else 0.0
    cursor, more, read = "", True, 0
    while more:
        endings, cursor, more = provider.grant_endings(since, cursor)
        for ending in endings:
            outcome = do_end_link_removed_on_loop(
                ending.open_id, reason=ending.reason, event_time=ending.ended_at, via="grant_log", to_the_second=False
            )
            if outcome.link is not None:
                ended.append(outcome.link)
            last = max(last or 0.0, ending.ended_at)
        read += len(endings)
        if endings and last is not None:
            reconcile_state.read_until(last)
    return read


def _check_links(ended: list[tuple[int, str]], *, every_link: bool) -> tuple[int, bool]:
    """Ask Loop about the grants of the links checked longest ago; (links checked, Loop unreachable)."""
    links = LoopLink.objects.order_by("grant_checked_at", "pk").values_list("pk", flat=True)
    checked = 0
    for link_id in list(links if every_link else links[: business_settings.RECONCILE_CHECKS_PER_PASS]):
        link = LoopLink.objects.filter(pk=link_id).first()
        if link is None:
            continue
        checked += 1
        try:
            active = _grant_is_live(link)
        except provider.ProviderUnavailable:
            return checked, True
        except provider.ProviderRefused as error:
            log.warning("Loop refused to say whether link %s is live: %s", link_id, error)
            return checked, True
        if not active and (gone := _end_reconciled_link(link)) is not None:
            ended.append((gone.account_id, gone.username))
        elif active:
            LoopLink.objects.filter(pk=link_id).update(grant_checked_at=timezone.now())
        if checked % 100 == 0:
            reconcile_state.renew_lease()
    return checked, False


def _grant_is_live(link: LoopLink) -> bool:
    """Introspection of the link's refresh token, where the provider has it (Loop). Without it
    (TikTok): user info with the access token; an expired or refused access token is settled by a
    refresh, which fails with ``invalid_grant`` only when the grant is gone (new tokens are kept).
    Raises ``ProviderUnavailable``/``ProviderRefused`` for any other answer."""
    if provider.can_introspect():
        return provider.introspect(link.refresh_token)
    if LinkRefresh.objects.filter(link=link, call__status=CallStatus.PENDING).exists():
        return True  # its refresh is under way; presenting the same refresh token again would look stolen
    if not link.access_expired():
        try:
            provider.fetch_identity(link.access_token)
            return True
        except provider.ProviderRefused as refusal:
            if refusal.error != "invalid_token":
                raise
    presented = link.sealed_refresh_token
    try:
        tokens = provider.refresh(link.refresh_token)
    except provider.ProviderRefused as refusal:
        if refusal.error == "invalid_grant":
            return False
        raise
    do_store_refreshed_tokens(link.pk, presented, tokens)
    return True


def _end_reconciled_link(seen: LoopLink) -> LoopLink | None:
    """End the link whose grant Loop no longer knows, unless it changed since; the link it ended."""
    with transaction.atomic(durable=True):
        current = LoopLink.objects.select_for_update().select_related("account").filter(pk=seen.pk).first()
        # A refresh in between rotated the token we asked about: the link is alive, leave it.
        if current is None or current.sealed_refresh_token != seen.sealed_refresh_token:
            return None
        do_end_link(current, reason="reconciled", actor=None, revoke=False)
        return current
