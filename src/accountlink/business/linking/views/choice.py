"""``/login/loop/choose/``: Continue with Loop for a Loop account that is not linked (DESIGN §4.4).

The callback held what Loop gave (``actions.choice``) and sent the browser here, with the hold's key
in its session: only that browser can see or use it. The person chooses to create a new business
account, to log in to an existing one and link it, or to link again the account this Loop account
was linked to before when nothing else can log in to it; or cancels (the tokens are revoked).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.accounts.views import account_views
from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, start_flow
from accountlink.kit.forms import add_coded_error
from accountlink.kit.views import language_of, posted

from ..actions.choice import do_drop_held_sign_in, do_take_held_sign_in, held_sign_in, stranded_account
from ..actions.link import do_create_account_with_loop, do_link_loop_account
from ..choice_forms import LinkExistingForm
from ..models import HeldSignIn
from .flow import refused

CHOICE_FLOW = "loop_choice"


def start_choice(request: HttpRequest, key: str, source: str) -> HttpResponse:
    """From the callback: this browser holds the key to the held sign-in, and is asked to choose."""
    start_flow(request, CHOICE_FLOW, key=key, source=source)
    return redirect("business:continue_with_loop_choice")


@never_cache
@require_http_methods(["GET", "POST"])
def continue_choice(request: HttpRequest) -> HttpResponse:
    """The choice page, and its four buttons (one POST each, told apart by ``choice``)."""
    try:
        flow = get_flow(request, CHOICE_FLOW)
    except CodedError:
        return refused(request, "login", ErrorCode.LINK_SESSION_EXPIRED)
    key, source = str(flow.get("key", "")), str(flow.get("source", "login"))
    held = held_sign_in(key)
    if held is None or request.user.is_authenticated:
        return _give_up(request, key, source, ErrorCode.LINK_SESSION_EXPIRED)
    form = LinkExistingForm(posted(request) if request.POST.get("choice") == "log_in" else None)
    choose = CHOICES.get(request.POST.get("choice", "")) if request.method == "POST" else None
    if choose is not None:
        answer = choose(request, key, source, held, form)
        if answer is not None:
            return answer
    context = {"held": held, "form": form, "stranded": stranded_account(held.open_id), "source": source}
    return render(request, "business/continue_choice.html", context)


def _give_up(request: HttpRequest, key: str, source: str, code: ErrorCode) -> HttpResponse:
    """The choice cannot go on: the tokens are revoked, and the person starts again."""
    do_drop_held_sign_in(key)
    end_flow(request, CHOICE_FLOW)
    if request.user.is_authenticated:
        return redirect("business:adsmanager")
    return refused(request, source, code)


def _create(request: HttpRequest, key: str, source: str, held: HeldSignIn, form: LinkExistingForm) -> HttpResponse:
    """**Create a new business account**: no email, phone or password; Loop is its way in."""
    try:
        identity, tokens = do_take_held_sign_in(key)
        account = do_create_account_with_loop(identity, tokens, language=language_of(request))
    except CodedError as refusal:
        return _give_up(request, key, source, refusal.code)
    end_flow(request, CHOICE_FLOW)
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


def _log_in_and_link(
    request: HttpRequest, key: str, source: str, held: HeldSignIn, form: LinkExistingForm
) -> HttpResponse | None:
    """**Log in and link**: the password of an existing business account (throttled as the login page
    is, with its answers), then the link to it (R1). A wrong password keeps the choice open."""
    if not form.is_valid():
        return None
    try:
        account = account_views.authenticate_password(
            request, form.cleaned_data["identifier"], form.cleaned_data["password"]
        )
    except CodedError as error:
        add_coded_error(form, error)
        return None
    if account.verified_at is None:  # a sign-up never confirmed is not an account to link yet
        add_coded_error(form, CodedError(ErrorCode.LOGIN_INVALID_CREDENTIALS))
        return None
    return _link(request, key, source, account, "choice")


def _link_again(request: HttpRequest, key: str, source: str, held: HeldSignIn, form: LinkExistingForm) -> HttpResponse:
    """**Link again** the business account this Loop account was linked to, which nothing else can
    log in to (it is worked out again here: the page's offer may be stale)."""
    account = stranded_account(held.open_id)
    if account is None:
        return _give_up(request, key, source, ErrorCode.LINK_SESSION_EXPIRED)
    return _link(request, key, source, account, "link_again")


def _link(request: HttpRequest, key: str, source: str, account: BusinessAccount, via: str) -> HttpResponse:
    try:
        identity, tokens = do_take_held_sign_in(key)
        do_link_loop_account(account, identity, tokens, via=via)
    except CodedError as refusal:
        return _give_up(request, key, source, refusal.code)
    end_flow(request, CHOICE_FLOW)
    response = account_views.finish_login(request, account, "business:personal_information")
    messages.success(request, _("Your %(brand)s account @%(handle)s is now linked.") % _names(identity.username))
    return response


def _cancel(request: HttpRequest, key: str, source: str, held: HeldSignIn, form: LinkExistingForm) -> HttpResponse:
    """**Cancel**: nothing is made or linked, and Loop is told to forget the grant."""
    do_drop_held_sign_in(key)
    end_flow(request, CHOICE_FLOW)
    return redirect("business:signup" if source == "signup" else "business:login")


CHOICES: dict[str, Callable[[HttpRequest, str, str, HeldSignIn, LinkExistingForm], HttpResponse | None]] = {
    "create": _create,
    "log_in": _log_in_and_link,
    "link_again": _link_again,
    "cancel": _cancel,
}


def _names(handle: str) -> dict[str, str]:
    return {"brand": platform_settings.BRAND, "handle": handle}
