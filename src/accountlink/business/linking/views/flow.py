"""The flow through Loop's consent screen, shared by the buttons that start it (``start``) and the
``callback`` that finishes it.

The flow's ``state`` and PKCE verifier live in the browser session (``kit.flows``), so a callback only
completes the flow that this browser started (DESIGN §8). Every refusal becomes a ``link.*`` message
on the page the person started from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accountlink.business.conf import business_settings
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import start_flow
from accountlink.kit.sessions.reauth import reauthentication_url

from .. import provider

FLOW = "loop"
# Why the flow was started (its "purpose") → the page it comes back to.
RETURN_PAGES = {
    "link": "business:personal_information",
    "login": "business:login",
    "signup": "business:signup",
    "support_proof": "business:support_case_sent",
    "reauth": "business:reauthenticate",
}
# Flows that a signed-in holder starts for their own account.
SIGNED_IN_PURPOSES = {"link", "reauth"}


def go_to_loop(request: HttpRequest, purpose: str, case_id: int | None = None, **extra: str | bool) -> HttpResponse:
    """Start the flow in this browser's session and send the browser to Loop's consent screen."""
    if not business_settings.LOOP_CLIENT_KEY:
        return refused(request, purpose, ErrorCode.LINK_PROVIDER_UNAVAILABLE)
    auth = provider.authorization_request()
    start_flow(
        request,
        FLOW,
        purpose=purpose,
        state=auth.state,
        verifier=auth.code_verifier,
        account_id=request.user.pk if request.user.is_authenticated else None,
        case_id=case_id,
        **extra,
    )
    return redirect(auth.url)


def refused(request: HttpRequest, purpose: str, code: ErrorCode, flow: dict[str, Any] | None = None) -> HttpResponse:
    """Back to the page the flow started from, with the refusal's message."""
    error = CodedError(code)
    messages.error(request, error.message, extra_tags=code.value)
    if purpose in SIGNED_IN_PURPOSES and not request.user.is_authenticated:
        purpose = "login"
    if purpose == "reauth" and flow is not None:
        # Back to Confirm it's you, still on the way to where the holder was going.
        return redirect(
            reauthentication_url(RETURN_PAGES["reauth"], str(flow.get("next", "")), retry=flow.get("retry") is True)
        )
    return redirect(RETURN_PAGES.get(purpose, "business:login"))
