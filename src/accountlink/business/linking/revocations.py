"""Revoking a grant at Loop (RFC 7009), as outbound calls of kind ``revocation`` (kit.outbound).

Every link that ends here (unlink, staff unlink), and every set of tokens not kept (a refused link,
a replaced grant), is revoked at Loop. The revocation is queued in the action's transaction; kit.outbound
makes the first attempt right after the commit and retries until Loop confirms (R9).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.crypto import constant_time_compare

from accountlink.kit.crypto import seal
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.actions import CallFailed
from accountlink.kit.outbound.models import CallStatus, OutboundCall

from . import provider
from .models import LoopRevocation

KIND = "revocation"


# Tokens Loop has just issued are revoked this long after, unless an action keeps them first.
HOLD = timedelta(minutes=2)
UNFINISHED = "unfinished"


def queue_revocation(sealed_token: str, *, open_id: str, reason: str, delay: timedelta | None = None) -> LoopRevocation:
    """In the caller's transaction: revoke this grant (its sealed refresh token) at Loop."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_revocation runs inside the calling action's transaction.")
    call = outbound.queue_call(KIND, delay=delay)
    return LoopRevocation.objects.create(call=call, sealed_token=sealed_token, open_id=open_id, reason=reason)


def hold(refresh_token: str, *, open_id: str) -> None:
    """In its own transaction, right after Loop issued tokens: their revocation, due in ``HOLD``.

    The flow that got them keeps them (:func:`release`) in the transaction that stores them, or
    discards them. If it never gets there (its process is killed, its database goes away, Loop hangs
    while user info is read), the grant is revoked all the same: Loop never keeps a grant that
    Loop for Business does not know of (R2, R9)."""
    with transaction.atomic(durable=True):
        queue_revocation(seal(refresh_token), open_id=open_id, reason=UNFINISHED, delay=HOLD)


def release(refresh_token: str, *, open_id: str) -> None:
    """In the caller's transaction: these tokens are kept (or revoked now), so their hold goes."""
    held = LoopRevocation.objects.select_for_update().select_related("call")
    for revocation in held.filter(open_id=open_id, reason=UNFINISHED, call__status=CallStatus.PENDING):
        if constant_time_compare(revocation.token, refresh_token):
            call = revocation.call
            revocation.delete()
            outbound.cancel_call(call)


def send_revocation(call: OutboundCall, timeout: float) -> int:
    """The sender of ``revocation`` calls: Loop's revoke endpoint with the grant's refresh token."""
    revocation = LoopRevocation.objects.get(call=call)
    try:
        provider.revoke(revocation.token, timeout=timeout, request_id=call.request_id)
    except (provider.ProviderUnavailable, provider.ProviderRefused) as error:
        raise CallFailed(str(error)) from None
    return 200
