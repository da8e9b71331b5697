"""Multi-step flows (sign-up, password reset, contact change) keep their state in the session.

The state is small (ids, a destination), expires, and is bound to the browser session, so a
code page cannot be reached for another person's flow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest

from accountlink.kit.codes.actions import policy, redeem_without_account
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.throttle.guard import WRONG_CODE, guarded_code

T = TypeVar("T")

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


def restart_code_count(request: HttpRequest, name: str) -> None:
    """A new code was sent in this flow: it gets its own tries and its own ten minutes."""
    state = request.session.get(f"flow:{name}")
    if isinstance(state, dict):
        request.session[f"flow:{name}"] = {**state, "wrong_codes": 0, "code_sent": time.time()}


def redeem_in_flow(request: HttpRequest, name: str, state: dict[str, Any], account: Any, redeem: Callable[[], T]) -> T:
    """Check a code typed on a flow's page, answering the same whether or not an account stands
    behind the flow (no enumeration, DESIGN §8).

    A flow with no account (an address that is taken, an identifier that matches nobody) had no
    code sent, yet its page must answer like one that had: "wrong code" until the fifth try, then
    "too many", and "expired" after the code's lifetime. The flow counts wrong tries itself, for
    both kinds, so the answers come from the same place. Every try is a guess at the "code" door.
    """
    rules = policy()
    if state.get("wrong_codes", 0) >= rules.max_attempts:
        raise CodedError(ErrorCode.CODE_TOO_MANY_ATTEMPTS)
    destination = (state.get("contact") or {}).get("value") or state.get("identifier", "")

    sent = state.get("code_sent", state.get("started", 0))
    expired = time.time() - sent > rules.lifetime.total_seconds()

    def check() -> T:
        if account is None:
            redeem_without_account(purpose=name, destination=destination)
            raise CodedError(ErrorCode.CODE_EXPIRED if expired else ErrorCode.CODE_INVALID)
        try:
            return redeem()
        except CodedError as error:
            # No live code (none was sent, or a limit held it back) reads as expired once any would be.
            if error.code == ErrorCode.CODE_INVALID and expired:
                raise CodedError(ErrorCode.CODE_EXPIRED) from error
            raise

    try:
        return guarded_code(request, account, destination, check)
    except CodedError as error:
        if error.code in WRONG_CODE:
            wrong = state.get("wrong_codes", 0) + 1
            request.session[f"flow:{name}"] = {**state, "wrong_codes": wrong}
            if wrong >= rules.max_attempts:
                raise CodedError(ErrorCode.CODE_TOO_MANY_ATTEMPTS) from error
        raise
