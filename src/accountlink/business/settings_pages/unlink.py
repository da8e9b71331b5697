"""User settings → Personal information → **Unlink Loop account** (DESIGN §4.1).

The dialog is a page of its own, drawn as a modal over Personal information, so it works without
JavaScript. Step 1 (``unlink_loop``) explains what unlinking does and sends a code to the address the
holder picks; step 2 (``unlink_loop_confirm``) takes the code and ends the link. The chosen address
lives in the session (``kit.flows``); the page only ever shows it masked. When the holder may not
unlink (R3) the dialog says why and links to the way forward instead of offering a code. A holder
who may unlink but has not logged in or confirmed it's them in the last 10 minutes does that first
(DESIGN §8), and comes back to the same step of the dialog.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accountlink.business.accounts.forms import DisplayNameForm
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking import actions
from accountlink.business.linking.models import LoopLink
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import mask
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, start_flow
from accountlink.kit.forms import CodeForm, add_coded_error
from accountlink.kit.sessions.reauth import ask_to_reauthenticate
from accountlink.kit.throttle.guard import guarded_code
from accountlink.kit.views import contact_from_session, contact_to_session, posted, recently_authenticated

from .forms import ChooseContactForm
from .views import REAUTHENTICATE

FLOW = "unlink_loop"
# Refusals that end the dialog with a way forward instead of a code form (R3).
REFUSALS = {ErrorCode.UNLINK_MANAGED_ACCOUNT, ErrorCode.UNLINK_NO_CONTACT, ErrorCode.UNLINK_LAST_LOGIN_METHOD}


def _user(request: HttpRequest) -> BusinessAccount:
    user = request.user
    assert isinstance(user, BusinessAccount)
    return user


def _dialog(request: HttpRequest, account: BusinessAccount, step: str, **context: Any) -> HttpResponse:
    """The dialog over Personal information (which is shown as stored: the dialog never calls Loop)."""
    return render(
        request,
        "business/unlink_loop.html",
        {
            "section": "personal",
            "dialog": True,
            "step": step,
            "account": account,
            "link": LoopLink.objects.filter(account=account).first(),
            "form": DisplayNameForm(initial={"display_name": account.display_name}),
            # Behind the dialog the addresses are masked too: the dialog's pages never show one in full.
            "masked": {
                "email": mask(Channel.EMAIL, account.email) if account.email else None,
                "phone": mask(Channel.SMS, account.phone) if account.phone else None,
            },
            **context,
        },
    )


def _refused(request: HttpRequest, account: BusinessAccount, error: CodedError) -> HttpResponse:
    """A refusal of the whole unlink. Without a link there is nothing to show a dialog about."""
    end_flow(request, FLOW)
    if error.code not in REFUSALS:
        messages.error(request, error.message, extra_tags=error.code.value)
        return redirect("business:personal_information")
    manager = account.account_manager if error.code == ErrorCode.UNLINK_MANAGED_ACCOUNT else None
    return _dialog(request, account, "refused", refusal=error, manager=manager)


def _choose(
    request: HttpRequest, account: BusinessAccount, form: forms.Form, error: CodedError | None = None
) -> HttpResponse:
    return _dialog(request, account, "choose", dialog_form=form, dialog_error=error)


@login_required
@require_http_methods(["GET", "POST"])
def unlink_loop(request: HttpRequest) -> HttpResponse:
    """Step 1: what unlinking does, and where to send the code (**Send code**)."""
    account = _user(request)
    try:
        link = actions.check_can_unlink(account)
    except CodedError as error:
        return _refused(request, account, error)
    if not recently_authenticated(request):
        return ask_to_reauthenticate(request, REAUTHENTICATE)
    form = ChooseContactForm(posted(request), contacts=account.contacts())
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        try:
            actions.do_send_unlink_code(account, contact)
        except CodedError as error:
            if error.code in REFUSALS or error.code == ErrorCode.UNLINK_NOT_LINKED:
                return _refused(request, account, error)
            add_coded_error(form, error, "contact" if error.code == ErrorCode.UNLINK_UNKNOWN_CONTACT else None)
        else:
            start_flow(request, FLOW, account_id=account.pk, link_id=link.pk, contact=contact_to_session(contact))
            return redirect("business:unlink_loop_confirm")
    return _choose(request, account, form)


@login_required
@require_http_methods(["GET", "POST"])
def unlink_loop_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: **Verification code**, **Confirm**, or **Send a new code**."""
    account = _user(request)
    try:
        link = actions.check_can_unlink(account)
    except CodedError as error:
        return _refused(request, account, error)
    if not recently_authenticated(request):
        return ask_to_reauthenticate(request, REAUTHENTICATE)
    try:
        state = get_flow(request, FLOW)
        # The flow belongs to this account and to the link the holder saw when the code was sent.
        if state.get("account_id") != account.pk or state.get("link_id") != link.pk:
            raise CodedError(ErrorCode.FLOW_EXPIRED)
        contact = contact_from_session(state["contact"])
    except (CodedError, KeyError, TypeError, ValueError):
        end_flow(request, FLOW)
        return _choose(
            request, account, ChooseContactForm(contacts=account.contacts()), CodedError(ErrorCode.FLOW_EXPIRED)
        )

    form = CodeForm(posted(request))
    resent = False
    resend_error: CodedError | None = None
    if request.method == "POST" and "resend" in request.POST:
        form = CodeForm()
        try:
            actions.do_send_unlink_code(account, contact)
        except CodedError as error:
            if error.code in REFUSALS or error.code == ErrorCode.UNLINK_NOT_LINKED:
                return _refused(request, account, error)
            resend_error = error
        else:
            resent = True
    elif request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            guarded_code(
                request, account, contact.value, lambda: actions.do_unlink_loop_account(account, contact, code)
            )
        except CodedError as error:
            if error.code in REFUSALS or error.code == ErrorCode.UNLINK_NOT_LINKED:
                return _refused(request, account, error)
            add_coded_error(form, error, "code" if error.code.value.startswith("code.") else None)
        else:
            end_flow(request, FLOW)
            messages.success(
                request,
                _(
                    "Your %(brand)s account @%(handle)s is no longer linked. "
                    "Your ad accounts and settings stay as they are."
                )
                % {"brand": settings.ACCOUNTLINK_BRAND, "handle": link.username},
            )
            return redirect("business:personal_information")
    return _dialog(
        request,
        account,
        "confirm",
        dialog_form=form,
        sent_to=contact.masked,
        resent=resent,
        dialog_error=resend_error,
        other_contacts=len(account.contacts()) > 1,
    )
