"""Writing audit events. Called only from actions, inside their transaction (STYLE rule 2)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from accountlink.kit import metrics
from accountlink.kit.transactions import in_callers_transaction

from .context import current_client
from .models import AuditEvent, EventKind


@in_callers_transaction
def record(kind: EventKind, *, account: Any, actor: Any = None, **data: Any) -> AuditEvent:
    ip, agent = current_client()
    event = AuditEvent.objects.create(
        kind=kind, account=account, actor=actor, ip_address=ip, user_agent=agent, data=data
    )
    if metrics.enabled():  # codes sent, links and unlinks count once they are committed
        transaction.on_commit(partial(metrics.record_audit_event, str(kind), data))
    return event
