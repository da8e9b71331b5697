"""Link Loop account (Personal information) and Continue with Loop (log in and sign up pages).

Both start here by POST, go to Loop's consent screen, and come back to ``callback``. The flow's
``state`` and PKCE verifier live in the browser session, so a callback only completes the flow
that this browser started (DESIGN §8). Every refusal becomes a ``link.*`` message on the page the
person started from.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.accounts.views import account_views
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, start_flow
from accountlink.kit.sessions.reauth import reauthentication_url
from accountlink.kit.support.models import SupportCase
from accountlink.kit.views import language_of, safe_next

from . import actions, provider, refresh
from .models import LoopLink

log = logging.getLogger(__name__)

FLOW = "loop"
# Refusals Loop explains itself on the way back (``error_code`` beside ``error=access_denied``).
PROVIDER_CODES = {ErrorCode.LINK_AGE_REQUIREMENT.value, ErrorCode.LINK_ACCOUNT_UNAVAILABLE.value}
RETURN_PAGES = {
    "link": "business:personal_information",
    "login": "business:login",
    "signup": "business:signup",
    "support_proof": "business:support_case_sent",
    "reauth": "business:reauthenticate",
}
# Flows that a signed-in holder starts for their own account.
SIGNED_IN_PURPOSES = {"link", "reauth"}


def _start(request: HttpRequest, purpose: str, case_id: int | None = None, **extra: str | bool) -> HttpResponse:
    if not settings.ACCOUNTLINK_LOOP_CLIENT_KEY:
        return _refused(request, purpose, ErrorCode.LINK_PROVIDER_UNAVAILABLE)
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


def _refused(request: HttpRequest, purpose: str, code: ErrorCode, flow: dict[str, Any] | None = None) -> HttpResponse:
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


@login_required
@require_POST
def start_link(request: HttpRequest) -> HttpResponse:
    """**Link Loop account** on Personal information."""
    account = request.user
    assert isinstance(account, BusinessAccount)
    try:
        actions.check_can_start_link(account)
    except CodedError as error:
        return _refused(request, "link", error.code)
    return _start(request, "link")


@require_POST
def continue_with_loop(request: HttpRequest) -> HttpResponse:
    """**Continue with Loop** on the log in and sign up pages."""
    if request.user.is_authenticated:
        return redirect("business:adsmanager")
    source = "signup" if request.POST.get("source") == "signup" else "login"
    return _start(request, source)


@login_required
@require_POST
def reauthenticate_with_loop(request: HttpRequest) -> HttpResponse:
    """**Continue with Loop** on Confirm it's you: log in to the linked Loop account again."""
    next_url = safe_next(request, reverse("business:personal_information"))
    retry = request.POST.get("retry") == "1"
    if not LoopLink.objects.filter(account_id=request.user.pk).exists():
        return _refused(request, "reauth", ErrorCode.UNLINK_NOT_LINKED, {"next": next_url, "retry": retry})
    return _start(request, "reauth", next=next_url, retry=retry)


@require_POST
def prove_with_loop(request: HttpRequest) -> HttpResponse:
    """**Verify with Loop** after opening a recovery case: log in to the linked Loop account as proof."""
    try:
        case_id = get_flow(request, "support_case")["case_id"]
    except CodedError:
        return redirect("business:contact_support")
    return _start(request, "support_proof", case_id=case_id)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    try:
        flow = get_flow(request, FLOW)
    except CodedError:
        # An expired flow still says where it started (the sign up page, say); a missing one does not.
        stale = request.session.get(f"flow:{FLOW}")
        end_flow(request, FLOW)
        purpose = stale.get("purpose") if isinstance(stale, dict) else None
        if purpose not in RETURN_PAGES:
            purpose = "link" if request.user.is_authenticated else "login"
        return _refused(
            request, str(purpose), ErrorCode.LINK_SESSION_EXPIRED, stale if isinstance(stale, dict) else None
        )
    purpose = str(flow.get("purpose"))
    if not constant_time_compare(request.GET.get("state", ""), str(flow.get("state", ""))):
        return _refused(request, purpose, ErrorCode.LINK_SESSION_EXPIRED, flow)
    end_flow(request, FLOW)  # a flow completes once
    if purpose in SIGNED_IN_PURPOSES and request.user.pk != flow.get("account_id"):
        return _refused(request, purpose, ErrorCode.LINK_SESSION_EXPIRED, flow)
    if purpose not in SIGNED_IN_PURPOSES and request.user.is_authenticated:
        return redirect("business:adsmanager")

    error = request.GET.get("error")
    if error:
        code = request.GET.get("error_code", "")
        if error == "access_denied":
            return _refused(
                request, purpose, ErrorCode(code) if code in PROVIDER_CODES else ErrorCode.LINK_CONSENT_DENIED, flow
            )
        return _refused(request, purpose, ErrorCode.LINK_SESSION_EXPIRED, flow)
    code = request.GET.get("code", "")
    if not code:
        return _refused(request, purpose, ErrorCode.LINK_SESSION_EXPIRED, flow)
    tokens = None
    try:
        # Whatever happens from here (this process killed while Loop answers, say), Loop keeps no
        # grant that this platform does not know: the code, then the tokens, are held until kept.
        held = actions.do_hold_code(code, str(flow["verifier"]))
        tokens = provider.exchange_code(code, str(flow["verifier"]))
        actions.do_hold_tokens(tokens, held)
        identity = provider.fetch_identity(tokens.access_token)
    except (provider.ProviderUnavailable, provider.ProviderRefused) as failure:
        if tokens is not None:
            actions.do_discard_tokens(tokens)  # a grant we will not keep must not outlive the flow at Loop
        if isinstance(failure, provider.ProviderRefused):
            log.info("Loop refused to finish a %s: %s", purpose, failure.error)
            return _refused(request, purpose, ErrorCode.LINK_SESSION_EXPIRED, flow)
        log.warning("Loop could not be reached to finish a %s", purpose)
        return _refused(request, purpose, ErrorCode.LINK_PROVIDER_UNAVAILABLE, flow)

    if purpose == "reauth":
        return _finish_reauthentication(request, flow, identity, tokens)
    if purpose == "support_proof":
        case = SupportCase.objects.filter(pk=int(flow.get("case_id") or 0)).first()
        if case is None or not case.is_open:
            actions.do_discard_tokens(tokens)
            return _refused(request, purpose, ErrorCode.SUPPORT_CASE_CLOSED)
        try:
            actions.do_prove_case_with_loop(case, identity, tokens)
        except CodedError as refusal:
            return _refused(request, purpose, refusal.code)
        messages.success(
            request,
            _("Thank you. You logged in with the linked %(brand)s account @%(handle)s, and our team can see it.")
            % _names(identity.username),
        )
        return redirect("business:support_case_sent")

    if purpose == "link":
        account = request.user
        assert isinstance(account, BusinessAccount)
        try:
            actions.do_link_loop_account(account, identity, tokens)
        except CodedError as refusal:
            return _refused(request, purpose, refusal.code)
        messages.success(request, _("Your %(brand)s account @%(handle)s is now linked.") % _names(identity.username))
        return redirect("business:personal_information")

    existing = actions.do_log_in_with_loop(identity, tokens)
    if existing is not None:
        return account_views.finish_login(request, existing, "business:adsmanager")
    try:
        account = actions.do_create_account_with_loop(identity, tokens, language=language_of(request))
    except CodedError as refusal:
        return _refused(request, purpose, refusal.code)
    response = account_views.finish_login(request, account, "business:personal_information")
    messages.info(
        request,
        _(
            "Your business account is ready and linked to @%(handle)s. Add an email or phone number so you "
            "can also log in without %(brand)s and get back in if you ever lose access."
        )
        % _names(identity.username),
    )
    return response


def _finish_reauthentication(
    request: HttpRequest, flow: dict[str, Any], identity: provider.LoopIdentity, tokens: provider.TokenSet
) -> HttpResponse:
    """Confirm it's you with Loop: the Loop account that logged in must be the one linked to this
    account. The sign-in's own tokens are never kept (the link keeps its grant)."""
    actions.do_discard_tokens(tokens)
    account = request.user
    link = LoopLink.objects.filter(account_id=account.pk).first()
    if link is None or not (
        constant_time_compare(tokens.open_id, link.open_id) and constant_time_compare(identity.open_id, link.open_id)
    ):
        return _refused(request, "reauth", ErrorCode.REAUTH_WRONG_ACCOUNT, flow)
    next_url = str(flow.get("next") or "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("business:personal_information")
    return account_views.reauthenticated(request, account, "loop", next_url, retry=flow.get("retry") is True)


PROFILE_MAX_AGE = timedelta(hours=1)


def current_link(account: BusinessAccount) -> LoopLink | None:
    """The account's link for display, as stored. When its access token expired or its profile is
    over an hour old, a worker refreshes it from Loop (``refresh``): no page waits for Loop."""
    link = LoopLink.objects.filter(account=account).first()
    if link is not None and (timezone.now() - link.profile_checked_at >= PROFILE_MAX_AGE or link.access_expired()):
        refresh.do_queue_refresh(link)
    return link


def _names(handle: str) -> dict[str, str]:
    return {"brand": settings.ACCOUNTLINK_BRAND, "handle": handle}
