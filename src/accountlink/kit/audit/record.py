"""Writing audit events. Called only from actions, inside their transaction (STYLE rule 2)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .context import current_client
from .models import AuditEvent, EventKind


def record(kind: EventKind, *, account: Any, actor: Any = None, **data: Any) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit events are written inside the action's transaction.")
    ip, agent = current_client()
    return AuditEvent.objects.create(
        kind=kind, account=account, actor=actor, ip_address=ip, user_agent=agent, data=data
    )
