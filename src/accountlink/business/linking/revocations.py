"""Revoking a grant at Loop (RFC 7009), as outbound calls of kind ``revocation`` (kit.outbound).

Every link that ends here (unlink, staff unlink), and every set of tokens not kept (a refused link,
a replaced grant), is revoked at Loop. The revocation is queued in the action's transaction; kit.outbound
makes the first attempt right after the commit and retries until Loop confirms (R9).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.crypto import constant_time_compare

from accountlink.kit.crypto import open_sealed, seal
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.actions import CallFailed
from accountlink.kit.outbound.models import CallStatus, OutboundCall
from accountlink.kit.transactions import in_callers_transaction

from . import provider
from .models import HeldCode, LoopRevocation

KIND = "revocation"


# Tokens Loop has just issued are revoked this long after, unless an action keeps them first.
HOLD = timedelta(minutes=2)
UNFINISHED = "unfinished"


@in_callers_transaction
def queue_revocation(sealed_token: str, *, open_id: str, reason: str, delay: timedelta | None = None) -> LoopRevocation:
    """In the caller's transaction: revoke this grant (its sealed refresh token) at Loop."""
    call = outbound.queue_call(KIND, delay=delay)
    return LoopRevocation.objects.create(call=call, sealed_token=sealed_token, open_id=open_id, reason=reason)


CODE_REPLAY = "code_replay"
# An exchange waits at most twice provider.TIMEOUT_SECONDS (connect, read); the code lives 60 s at Loop.
CODE_HOLD = timedelta(seconds=45)


def hold_code(code: str, verifier: str) -> HeldCode:
    """In its own transaction, before the code is sent to Loop's token endpoint (see ``HeldCode``)."""
    with transaction.atomic(durable=True):
        call = outbound.queue_call(CODE_REPLAY, delay=CODE_HOLD)
        return HeldCode.objects.create(call=call, sealed_code=seal(code), sealed_verifier=seal(verifier))


def send_code_replay(call: OutboundCall, timeout: float) -> int:
    """The sender of ``code_replay`` calls: present the code again, and revoke anything it brings."""
    held = HeldCode.objects.get(call=call)
    try:
        tokens = provider.exchange_code(open_sealed(held.sealed_code), open_sealed(held.sealed_verifier))
    except provider.ProviderUnavailable as error:
        raise CallFailed(str(error)) from None
    except provider.ProviderRefused:
        return 200  # a used code: Loop revoked what it issued; an expired one issued nothing
    try:
        provider.revoke(tokens.refresh_token, timeout=timeout, request_id=call.request_id)
    except (provider.ProviderUnavailable, provider.ProviderRefused):
        with transaction.atomic(durable=True):
            queue_revocation(seal(tokens.refresh_token), open_id=tokens.open_id, reason="discarded")
    return 200


def hold(refresh_token: str, *, open_id: str, code: HeldCode | None = None) -> None:
    """In its own transaction, right after Loop issued tokens: their revocation, due in ``HOLD``.

    The flow that got them keeps them (:func:`release`) in the transaction that stores them, or
    discards them. If it never gets there (its process is killed, its database goes away, Loop hangs
    while user info is read), the grant is revoked all the same: Loop never keeps a grant that
    Loop for Business does not know of (R2, R9)."""
    with transaction.atomic(durable=True):
        queue_revocation(seal(refresh_token), open_id=open_id, reason=UNFINISHED, delay=HOLD)
        if code is not None:  # the tokens are held now: the code need not be presented again
            held = HeldCode.objects.select_related("call").filter(pk=code.pk).first()
            if held is not None and held.call.status == CallStatus.PENDING:
                call = held.call
                held.delete()
                outbound.cancel_call(call)


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
