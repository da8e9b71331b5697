"""Revoking a grant at Loop (RFC 7009), as outbound calls of kind ``revocation`` (kit.outbound).

Every link that ends here (unlink, staff unlink), and every set of tokens not kept (a refused link,
a replaced grant), is revoked at Loop. The revocation is queued in the action's transaction; kit.outbound
makes the first attempt right after the commit and retries until Loop confirms (R9).
"""

from __future__ import annotations

from django.db import transaction

from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.actions import CallFailed
from accountlink.kit.outbound.models import OutboundCall

from . import provider
from .models import LoopRevocation

KIND = "revocation"


def queue_revocation(sealed_token: str, *, open_id: str, reason: str) -> LoopRevocation:
    """In the caller's transaction: revoke this grant (its sealed refresh token) at Loop."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_revocation runs inside the calling action's transaction.")
    call = outbound.queue_call(KIND)
    return LoopRevocation.objects.create(call=call, sealed_token=sealed_token, open_id=open_id, reason=reason)


def send_revocation(call: OutboundCall, timeout: float) -> int:
    """The sender of ``revocation`` calls: Loop's revoke endpoint with the grant's refresh token."""
    revocation = LoopRevocation.objects.get(call=call)
    try:
        provider.revoke(revocation.token, timeout=timeout, request_id=call.request_id)
    except (provider.ProviderUnavailable, provider.ProviderRefused) as error:
        raise CallFailed(str(error)) from None
    return 200
