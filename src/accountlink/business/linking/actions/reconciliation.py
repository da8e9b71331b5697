"""Loop ended the grant behind a link: its ``authorization.removed`` notice (webhooks_in), or its
answer during the reconciliation (``manage.py reconcile`` and a periodic task): introspection, or,
from a provider without it (TikTok), user info and a refresh.

Either way the link ends with ``do_end_link`` and no revocation is queued: Loop already knows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.models import CallStatus

from .. import provider
from ..models import LinkRefresh, LoopLink
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


def do_end_link_removed_on_loop(open_id: str, *, reason: int, event_time: int) -> RemovalOutcome:
    """Loop says the holder's authorization is gone (webhook ``authorization.removed``).

    A removal from before the current link was made (a delayed or replayed notice about an earlier
    link of the same Loop account) is ignored, and so is one for an open_id that is not linked.
    """
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().select_related("account").filter(open_id=open_id).first()
        if link is None:
            return RemovalOutcome(False, "not_linked")
        linked_second = int(link.linked_at.timestamp())
        if event_time < linked_second:
            record(
                EventKind.WEBHOOK_IGNORED,
                account=link.account,
                event="authorization.removed",
                reason=LOOP_REASONS.get(reason, "unknown"),
                event_time=datetime.fromtimestamp(event_time, UTC).isoformat(),
            )
            return RemovalOutcome(False, "stale")
        do_end_link(link, reason=LOOP_REASONS.get(reason, "unknown"), actor=None, revoke=False, via="webhook")
        return RemovalOutcome(True, "ended")


@dataclass(frozen=True)
class ReconcileResult:
    checked: int
    ended: list[tuple[int, str]]  # (business account id, Loop username) of each link ended
    unreachable: bool


def do_reconcile_links() -> ReconcileResult:
    """Ask Loop about the grant behind every link (:func:`_grant_is_live`) and end the links whose
    grant is gone, with reason "reconciled". Stops, changing nothing more, if Loop cannot be reached
    or answers otherwise: that is no evidence that a grant is gone. No lock is held while Loop answers.
    """
    # Revocations given up after 72 hours get one more attempt each pass: Loop must learn of every unlink.
    outbound.do_retry_given_up_calls(REVOCATION)
    checked = 0
    ended: list[tuple[int, str]] = []
    for link_id in LoopLink.objects.order_by("pk").values_list("pk", flat=True):
        link = LoopLink.objects.filter(pk=link_id).first()
        if link is None:
            continue
        checked += 1
        try:
            active = _grant_is_live(link)
        except provider.ProviderUnavailable:
            return ReconcileResult(checked, ended, unreachable=True)
        except provider.ProviderRefused as error:
            log.warning("Loop refused to say whether link %s is live: %s", link_id, error)
            return ReconcileResult(checked, ended, unreachable=True)
        if not active and (gone := _end_reconciled_link(link)) is not None:
            ended.append((gone.account_id, gone.username))
    return ReconcileResult(checked, ended, unreachable=False)


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
