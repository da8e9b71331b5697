"""The buttons that go to Loop's consent screen, by POST (DESIGN §8). Each flow comes back to
``callback``, which finishes it according to its purpose."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import get_flow
from accountlink.kit.views import safe_next

from ..actions.link import check_can_start_link
from ..queries import has_link
from .flow import go_to_loop, refused


@login_required
@require_POST
def start_link(request: HttpRequest) -> HttpResponse:
    """**Link Loop account** on Personal information."""
    account = request.user
    assert isinstance(account, BusinessAccount)
    try:
        check_can_start_link(account)
    except CodedError as error:
        return refused(request, "link", error.code)
    return go_to_loop(request, "link")


@require_POST
def continue_with_loop(request: HttpRequest) -> HttpResponse:
    """**Continue with Loop** on the log in and sign up pages."""
    if request.user.is_authenticated:
        return redirect("business:adsmanager")
    source = "signup" if request.POST.get("source") == "signup" else "login"
    return go_to_loop(request, source)


@login_required
@require_POST
def reauthenticate_with_loop(request: HttpRequest) -> HttpResponse:
    """**Continue with Loop** on Confirm it's you: log in to the linked Loop account again."""
    account = request.user
    assert isinstance(account, BusinessAccount)
    next_url = safe_next(request, reverse("business:personal_information"))
    retry = request.POST.get("retry") == "1"
    if not has_link(account):
        return refused(request, "reauth", ErrorCode.UNLINK_NOT_LINKED, {"next": next_url, "retry": retry})
    return go_to_loop(request, "reauth", next=next_url, retry=retry)


@require_POST
def prove_with_loop(request: HttpRequest) -> HttpResponse:
    """**Verify with Loop** after opening a recovery case: log in to the linked Loop account as proof."""
    try:
        case_id = get_flow(request, "support_case")["case_id"]
    except CodedError:
        return redirect("business:contact_support")
    return go_to_loop(request, "support_proof", case_id=case_id)
