"""``/oauth/loop/callback/``: where Loop sends the browser back from its consent screen.

``callback`` checks that the flow is this browser's own (``_own_flow``), trades the code for tokens
and the Loop identity (``_trade_code``), then finishes the flow according to its purpose, one function
each: Link Loop account, Continue with Loop (log in, or the choice page ``choice`` for a Loop account
that is not linked), Confirm it's you with Loop, and Verify with Loop for a support case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.accounts.views import account_views
from accountlink.business.support.actions import do_prove_case_with_loop
from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow
from accountlink.kit.support.models import SupportCase

from .. import provider
from ..actions.choice import do_hold_sign_in
from ..actions.link import do_link_loop_account, do_log_in_with_loop
from ..actions.revocation import do_discard_tokens, do_hold_code, do_hold_tokens
from ..provider import LoopIdentity, TokenSet
from ..queries import current_link
from .choice import start_choice
from .flow import FLOW, RETURN_PAGES, SIGNED_IN_PURPOSES, refused

log = logging.getLogger(__name__)

# Refusals Loop explains itself on the way back (``error_code`` beside ``error=access_denied``).
PROVIDER_CODES = {ErrorCode.LINK_AGE_REQUIREMENT.value, ErrorCode.LINK_ACCOUNT_UNAVAILABLE.value}

Flow = dict[str, Any]


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Loop sends the browser back here, with a code (or why there is none) and the flow's state."""
    flow = _own_flow(request)
    if isinstance(flow, HttpResponse):
        return flow
    purpose = str(flow.get("purpose"))
    try:
        tokens, identity = _trade_code(request.GET, flow)
    except CodedError as refusal:
        return refused(request, purpose, refusal.code, flow)
    finish = FINISH.get(purpose, _finish_log_in)
    return finish(request, flow, identity, tokens)


def _own_flow(request: HttpRequest) -> Flow | HttpResponse:
    """The flow this browser started, now ended (a flow completes once); or the answer that refuses it."""
    try:
        flow = get_flow(request, FLOW)
    except CodedError:
        return _expired(request)
    purpose = str(flow.get("purpose"))
    if not constant_time_compare(request.GET.get("state", ""), str(flow.get("state", ""))):
        return refused(request, purpose, ErrorCode.LINK_SESSION_EXPIRED, flow)
    end_flow(request, FLOW)
    if purpose in SIGNED_IN_PURPOSES and request.user.pk != flow.get("account_id"):
        return refused(request, purpose, ErrorCode.LINK_SESSION_EXPIRED, flow)
    if purpose not in SIGNED_IN_PURPOSES and request.user.is_authenticated:
        return redirect("business:adsmanager")
    return flow


def _expired(request: HttpRequest) -> HttpResponse:
    # An expired flow still says where it started (the sign up page, say); a missing one does not.
    stale = request.session.get(f"flow:{FLOW}")
    end_flow(request, FLOW)
    purpose = stale.get("purpose") if isinstance(stale, dict) else None
    if purpose not in RETURN_PAGES:
        purpose = "link" if request.user.is_authenticated else "login"
    return refused(request, str(purpose), ErrorCode.LINK_SESSION_EXPIRED, stale if isinstance(stale, dict) else None)


def _trade_code(params: QueryDict, flow: Flow) -> tuple[TokenSet, LoopIdentity]:
    """What Loop sent back, traded for tokens and the Loop identity; a refusal is raised as its code."""
    error, code = params.get("error"), params.get("code", "")
    if error == "access_denied":
        loop_code = params.get("error_code", "")
        raise CodedError(ErrorCode(loop_code) if loop_code in PROVIDER_CODES else ErrorCode.LINK_CONSENT_DENIED)
    if error or not code:
        raise CodedError(ErrorCode.LINK_SESSION_EXPIRED)
    verifier, purpose = str(flow["verifier"]), flow.get("purpose")
    tokens = None
    try:
        # Whatever happens from here (this process killed while Loop answers, say), Loop keeps no
        # grant that this platform does not know: the code, then the tokens, are held until kept.
        held = do_hold_code(code, verifier)
        tokens = provider.exchange_code(code, verifier)
        do_hold_tokens(tokens, held)
        return tokens, provider.fetch_identity(tokens.access_token)
    except (provider.ProviderUnavailable, provider.ProviderRefused) as failure:
        if tokens is not None:
            do_discard_tokens(tokens)  # a grant we will not keep must not outlive the flow at Loop
        if isinstance(failure, provider.ProviderRefused):
            log.info("Loop refused to finish a %s: %s", purpose, failure.error)
            raise CodedError(ErrorCode.LINK_SESSION_EXPIRED) from None
        log.warning("Loop could not be reached to finish a %s", purpose)
        raise CodedError(ErrorCode.LINK_PROVIDER_UNAVAILABLE) from None


def _finish_link(request: HttpRequest, flow: Flow, identity: LoopIdentity, tokens: TokenSet) -> HttpResponse:
    """**Link Loop account**: the signed-in holder's business account is linked (DESIGN §4.3)."""
    account = request.user
    assert isinstance(account, BusinessAccount)
    try:
        do_link_loop_account(account, identity, tokens)
    except CodedError as refusal:
        return refused(request, "link", refusal.code)
    messages.success(request, _("Your %(brand)s account @%(handle)s is now linked.") % _names(identity.username))
    return redirect("business:personal_information")


def _finish_log_in(request: HttpRequest, flow: Flow, identity: LoopIdentity, tokens: TokenSet) -> HttpResponse:
    """**Continue with Loop**: log in to the linked business account; for a Loop account that is not
    linked, hold what Loop gave and ask what to do with it (``choice``, DESIGN §4.4)."""
    existing = do_log_in_with_loop(identity, tokens)
    if existing is not None:
        return account_views.finish_login(request, existing, "business:adsmanager")
    key = do_hold_sign_in(identity, tokens)
    return start_choice(request, key, str(flow.get("purpose")))


def _finish_reauthentication(
    request: HttpRequest, flow: Flow, identity: LoopIdentity, tokens: TokenSet
) -> HttpResponse:
    """**Confirm it's you** with Loop: the Loop account that logged in must be the one linked to this
    account. The sign-in's own tokens are never kept (the link keeps its grant)."""
    do_discard_tokens(tokens)
    account = request.user
    assert isinstance(account, BusinessAccount)
    link = current_link(account)
    if link is None or not (
        constant_time_compare(tokens.open_id, link.open_id) and constant_time_compare(identity.open_id, link.open_id)
    ):
        return refused(request, "reauth", ErrorCode.REAUTH_WRONG_ACCOUNT, flow)
    next_url = str(flow.get("next") or "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("business:personal_information")
    return account_views.reauthenticated(request, account, "loop", next_url, retry=flow.get("retry") is True)


def _finish_support_proof(request: HttpRequest, flow: Flow, identity: LoopIdentity, tokens: TokenSet) -> HttpResponse:
    """**Verify with Loop** for an open recovery case: the sign-in is the case's proof (DESIGN §4.6)."""
    case = SupportCase.objects.filter(pk=int(flow.get("case_id") or 0)).first()
    if case is None or not case.is_open:
        do_discard_tokens(tokens)
        return refused(request, "support_proof", ErrorCode.SUPPORT_CASE_CLOSED)
    try:
        do_prove_case_with_loop(case, identity, tokens)
    except CodedError as refusal:
        return refused(request, "support_proof", refusal.code)
    messages.success(
        request,
        _("Thank you. You logged in with the linked %(brand)s account @%(handle)s, and our team can see it.")
        % _names(identity.username),
    )
    return redirect("business:support_case_sent")


# The flow's purpose → how it finishes ("login" and "signup" both finish as Continue with Loop).
FINISH: dict[str, Callable[[HttpRequest, Flow, LoopIdentity, TokenSet], HttpResponse]] = {
    "link": _finish_link,
    "login": _finish_log_in,
    "signup": _finish_log_in,
    "reauth": _finish_reauthentication,
    "support_proof": _finish_support_proof,
}


def _names(handle: str) -> dict[str, str]:
    return {"brand": platform_settings.BRAND, "handle": handle}
