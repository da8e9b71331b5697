"""The one guard for steps of an action.

An action (a ``do_*`` function) opens one transaction and writes its audit event inside it (STYLE
rules 1 and 2). Some of its steps are shared between actions: recording the audit event, queueing a
notification or an outbound call, issuing a code, ending sessions or app access. Such a step is
only correct inside the transaction of the action that calls it, so that it is committed with the
change or not at all; ``@in_callers_transaction`` refuses to run it anywhere else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")


def in_callers_transaction(step: Callable[P, R]) -> Callable[P, R]:
    """Refuse to run ``step`` outside a transaction: it belongs to the action that calls it."""

    @functools.wraps(step)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError(f"{step.__name__}() runs inside the calling action's transaction.")
        return step(*args, **kwargs)

    return guarded
