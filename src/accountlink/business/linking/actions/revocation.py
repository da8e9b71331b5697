"""Revoking a grant at Loop (RFC 7009), as outbound calls of kind ``revocation`` (kit.outbound).

Every link that ends here (unlink, staff unlink), and every set of tokens not kept (a refused link,
a replaced grant), is revoked at Loop. The revocation is queued in the action's transaction; kit.outbound
makes the first attempt right after the commit and retries until Loop confirms (R9). The calls
themselves are made by ``linking.senders``.

A flow that is still trading a code for tokens holds them first (:func:`do_hold_code`,
:func:`do_hold_tokens`): if it never keeps or discards them, Loop is told all the same.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.crypto import constant_time_compare

from accountlink.kit.crypto import seal
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.models import CallStatus
from accountlink.kit.transactions import in_callers_transaction

from ..models import HeldCode, LoopRevocation
from ..provider import TokenSet

KIND = "revocation"
CODE_REPLAY = "code_replay"

# Tokens Loop has just issued are revoked this long after, unless an action keeps them first.
HOLD = timedelta(minutes=2)
UNFINISHED = "unfinished"
# An exchange waits at most twice provider.TIMEOUT_SECONDS (connect, read); the code lives 60 s at Loop.
CODE_HOLD = timedelta(seconds=45)


@in_callers_transaction
def do_queue_revocation(
    sealed_token: str, *, open_id: str, reason: str, delay: timedelta | None = None
) -> LoopRevocation:
    """In the caller's transaction: revoke this grant (its sealed refresh token) at Loop."""
    call = outbound.queue_call(KIND, delay=delay)
    return LoopRevocation.objects.create(call=call, sealed_token=sealed_token, open_id=open_id, reason=reason)


def do_hold_code(code: str, verifier: str) -> HeldCode:
    """Before the code goes to Loop's token endpoint, in its own transaction: if nothing follows, the
    code is presented again later (``senders.send_code_replay``), which makes Loop revoke whatever it
    issued for it (see ``HeldCode``)."""
    with transaction.atomic(durable=True):
        call = outbound.queue_call(CODE_REPLAY, delay=CODE_HOLD)
        return HeldCode.objects.create(call=call, sealed_code=seal(code), sealed_verifier=seal(verifier))


def do_hold_tokens(tokens: TokenSet, code: HeldCode | None = None) -> None:
    """Right after Loop issued ``tokens`` (for the held ``code``), in its own transaction: their
    revocation, due in ``HOLD``.

    The flow that got them keeps them (:func:`do_release_tokens`) in the transaction that stores them,
    or discards them. If it never gets there (its process is killed, its database goes away, Loop
    hangs while user info is read), the grant is revoked all the same: Loop never keeps a grant that
    Loop for Business does not know of (R2, R9)."""
    with transaction.atomic(durable=True):
        do_queue_revocation(seal(tokens.refresh_token), open_id=tokens.open_id, reason=UNFINISHED, delay=HOLD)
        if code is not None:  # the tokens are held now: the code need not be presented again
            held = HeldCode.objects.select_related("call").filter(pk=code.pk).first()
            if held is not None and held.call.status == CallStatus.PENDING:
                call = held.call
                held.delete()
                outbound.cancel_call(call)


@in_callers_transaction
def do_release_tokens(tokens: TokenSet) -> None:
    """In the caller's transaction: these tokens are kept (or revoked now), so their hold goes."""
    held = LoopRevocation.objects.select_for_update().select_related("call")
    for revocation in held.filter(open_id=tokens.open_id, reason=UNFINISHED, call__status=CallStatus.PENDING):
        if constant_time_compare(revocation.token, tokens.refresh_token):
            call = revocation.call
            revocation.delete()
            outbound.cancel_call(call)


@in_callers_transaction
def do_revoke_tokens(tokens: TokenSet) -> None:
    """In the caller's transaction: tokens we will not keep are revoked at Loop (their grant only)."""
    do_release_tokens(tokens)
    do_queue_revocation(seal(tokens.refresh_token), open_id=tokens.open_id, reason="discarded")


def do_discard_tokens(tokens: TokenSet) -> None:
    """A flow failed or finished without keeping the tokens Loop issued (user info could not be read,
    a sign-in only proved who someone is): revoke them, keep nothing."""
    with transaction.atomic(durable=True):
        do_revoke_tokens(tokens)
