"""Multi-step flows (sign-up, password reset, contact change) keep their state in the session.

The state is small (ids, a destination), expires, and is bound to the browser session, so a
code page cannot be reached for another person's flow.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from accountlink.kit.errors import CodedError, ErrorCode

FLOW_LIFETIME_SECONDS = 30 * 60


def start_flow(request: HttpRequest, name: str, **state: Any) -> None:
    request.session[f"flow:{name}"] = {"started": time.time(), **state}


def get_flow(request: HttpRequest, name: str) -> dict[str, Any]:
    """The flow's state, or ``flow.expired`` if there is none or it is too old."""
    state = request.session.get(f"flow:{name}")
    if not isinstance(state, dict) or time.time() - state.get("started", 0) > FLOW_LIFETIME_SECONDS:
        raise CodedError(ErrorCode.FLOW_EXPIRED)
    return state


def end_flow(request: HttpRequest, name: str) -> None:
    request.session.pop(f"flow:{name}", None)
