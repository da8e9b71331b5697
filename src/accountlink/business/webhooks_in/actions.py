"""Acting on a notice from Loop, once (STYLE rule 1)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accountlink.business.linking.actions.reconciliation import do_end_link_removed_on_loop

from .models import Outcome, ReceivedNotice
from .notices import AUTHORIZATION_REMOVED, Notice

DUPLICATE = "duplicate"


def do_receive_notice(notice: Notice) -> str:
    """Act on a verified notice and keep it; returns what happened (an ``Outcome``, or "duplicate").

    A redelivered notice changes nothing. The notice is kept right after the link action's own
    transaction: if the process dies in between, Loop's redelivery finds no record, acts again
    (ending a link that is already gone is a no-op, "not_linked") and is recorded then.
    """
    if ReceivedNotice.objects.filter(body_sha256=notice.body_sha256).exists():
        return DUPLICATE
    if notice.event == AUTHORIZATION_REMOVED:
        assert notice.reason is not None
        outcome = Outcome(
            do_end_link_removed_on_loop(notice.open_id, reason=notice.reason, event_time=notice.create_time).why
        )
    else:
        outcome = Outcome.IGNORED
    try:
        with transaction.atomic(durable=True):
            ReceivedNotice.objects.create(
                body_sha256=notice.body_sha256,
                event=notice.event,
                open_id=notice.open_id,
                reason=notice.reason,
                create_time=notice.create_time,
                outcome=outcome,
            )
    except IntegrityError:
        # A parallel delivery of the same notice was recorded first. If this one is the delivery
        # that ended the link, the record says so (the other found the link already gone).
        if outcome != Outcome.ENDED:
            return DUPLICATE
        with transaction.atomic(durable=True):
            ReceivedNotice.objects.filter(body_sha256=notice.body_sha256).update(outcome=outcome)
    return str(outcome)
