"""User settings → Personal information → **Unlink Loop account** (DESIGN §4.1).

The dialog is a page of its own, drawn as a modal over Personal information, so it works without
JavaScript. Step 1 (``unlink_loop``) explains what unlinking does and sends a code to the address the
holder picks; step 2 (``unlink_loop_confirm``) takes the code and ends the link
(``actions.unlink.do_unlink_loop_account``, which queues the revocation at Loop). The chosen address
lives in the session (``kit.flows``); the page only ever shows it masked. When the holder may not
unlink (R3) the dialog says why and links to the way forward instead of offering a code. A holder
who may unlink but has not logged in or confirmed it's them in the last 10 minutes does that first
(DESIGN §8), and comes back to the same step of the dialog.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accountlink.business.accounts.forms import DisplayNameForm
from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.brand import brand_names
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, start_flow
from accountlink.kit.forms import CodeForm, add_coded_error
from accountlink.kit.sessions.reauth import ask_to_reauthenticate
from accountlink.kit.throttle.guard import guarded_code
from accountlink.kit.views import (
    contact_from_session,
    contact_to_session,
    logged_in_with_email,
    posted,
    recently_authenticated,
)

from ..actions.unlink import do_send_unlink_code, do_unlink_loop_account
from ..forms import ChooseContactForm
from ..models import LoopLink
from ..queries import LinkOverview, link_overview

FLOW = "unlink_loop"
REAUTHENTICATE = "business:reauthenticate"
# Refusals that end the dialog with a way forward instead of a code form (R3).
REFUSALS = {ErrorCode.UNLINK_MANAGED_ACCOUNT, ErrorCode.UNLINK_NO_CONTACT, ErrorCode.UNLINK_LAST_LOGIN_METHOD}
# Refusals that end the dialog, with a way forward or (the link is gone) back on Personal information.
ENDS_THE_DIALOG = REFUSALS | {ErrorCode.UNLINK_NOT_LINKED}


@login_required
@require_http_methods(["GET", "POST"])
def unlink_loop(request: HttpRequest) -> HttpResponse:
    """Step 1: what unlinking does, and where to send the code (**Send code**)."""
    account = _user(request)
    overview = _may_unlink(request, account)
    if isinstance(overview, HttpResponse):
        return overview
    form = _choose_contact_form(request, overview, posted(request))
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        try:
            do_send_unlink_code(account, contact)
        except CodedError as error:
            if error.code in ENDS_THE_DIALOG:
                return _refused(request, account, error)
            add_coded_error(form, error, "contact" if error.code == ErrorCode.UNLINK_UNKNOWN_CONTACT else None)
        else:
            assert overview.link is not None  # the holder may unlink it (_may_unlink)
            link_id = overview.link.pk
            start_flow(request, FLOW, account_id=account.pk, link_id=link_id, contact=contact_to_session(contact))
            return redirect("business:unlink_loop_confirm")
    return _dialog(request, account, "choose", dialog_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def unlink_loop_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: **Verification code**, **Confirm**, or **Send a new code**."""
    account = _user(request)
    overview = _may_unlink(request, account)
    if isinstance(overview, HttpResponse):
        return overview
    contact = _chosen_contact(request, account, overview.link)
    if contact is None:
        end_flow(request, FLOW)
        choose = _choose_contact_form(request, overview)
        return _dialog(request, account, "choose", dialog_form=choose, dialog_error=CodedError(ErrorCode.FLOW_EXPIRED))
    if request.method == "POST" and "resend" in request.POST:
        return _resend(request, account, contact)
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        return _confirm(request, account, contact, form)
    return _code_step(request, account, contact, form)


def _choose_contact_form(request: HttpRequest, overview: LinkOverview, data: Any = None) -> ChooseContactForm:
    """The addresses to choose from, with the one the holder logged in with chosen already (the
    email when they logged in another way)."""
    with_email = logged_in_with_email(request)
    preferred = Channel.SMS if with_email is False else Channel.EMAIL
    return ChooseContactForm(data, contacts=overview.unlink_contacts, preferred=preferred)


def _may_unlink(request: HttpRequest, account: BusinessAccount) -> LinkOverview | HttpResponse:
    """The account's link as the dialog shows it (``queries.link_overview``), when the holder may
    unlink it now (R3) and has confirmed it's them recently; otherwise the answer that stops the
    dialog here."""
    overview = link_overview(account)
    if overview.unlink_refusal is not None:
        return _refused(request, account, overview.unlink_refusal)
    if not recently_authenticated(request):
        return ask_to_reauthenticate(request, REAUTHENTICATE)
    return overview


def _chosen_contact(request: HttpRequest, account: BusinessAccount, link: LoopLink | None) -> Contact | None:
    """Where step 1 sent the code, if the flow belongs to this account and to the link the holder
    saw when the code was sent."""
    try:
        state = get_flow(request, FLOW)
        if link is None or state.get("account_id") != account.pk or state.get("link_id") != link.pk:
            return None
        return contact_from_session(state["contact"])
    except (CodedError, KeyError, TypeError, ValueError):
        return None


def _resend(request: HttpRequest, account: BusinessAccount, contact: Contact) -> HttpResponse:
    """**Send a new code** to the same address."""
    try:
        do_send_unlink_code(account, contact)
    except CodedError as error:
        if error.code in ENDS_THE_DIALOG:
            return _refused(request, account, error)
        return _code_step(request, account, contact, CodeForm(), resend_error=error)
    return _code_step(request, account, contact, CodeForm(), resent=True)


def _confirm(request: HttpRequest, account: BusinessAccount, contact: Contact, form: CodeForm) -> HttpResponse:
    """**Confirm**: with the right code the link ends, and the holder is back on Personal information."""
    code = form.cleaned_data["code"]
    try:
        link = guarded_code(request, account, contact.value, lambda: do_unlink_loop_account(account, contact, code))
    except CodedError as error:
        if error.code in ENDS_THE_DIALOG:
            return _refused(request, account, error)
        add_coded_error(form, error, "code" if error.code.value.startswith("code.") else None)
        return _code_step(request, account, contact, form)
    end_flow(request, FLOW)
    messages.success(request, _unlinked_message(link.username))
    return redirect("business:personal_information")


def _unlinked_message(handle: str) -> str:
    """What the help article ends with: the Loop account can now be linked to another business
    account, with the way to link one (the **Link Loop account** button that replaces Unlink)."""
    names = brand_names()
    return format_html(
        '{} {} <a href="{}#link-loop-button">{}</a>',
        _("Your %(brand)s account @%(handle)s is no longer linked. Your ad accounts and settings stay as they are.")
        % {"brand": names["brand"], "handle": handle},
        _("You can now link your %(brand)s account to another %(app)s account.")
        % {"brand": names["brand"], "app": names["business_brand"]},
        reverse("business:personal_information"),
        _("Link %(brand)s account") % {"brand": names["brand"]},
    )


def _refused(request: HttpRequest, account: BusinessAccount, error: CodedError) -> HttpResponse:
    """A refusal of the whole unlink. Without a link there is nothing to show a dialog about."""
    end_flow(request, FLOW)
    if error.code not in REFUSALS:
        messages.error(request, error.message, extra_tags=error.code.value)
        return redirect("business:personal_information")
    manager = account.account_manager if error.code == ErrorCode.UNLINK_MANAGED_ACCOUNT else None
    return _dialog(request, account, "refused", refusal=error, manager=manager)


def _code_step(
    request: HttpRequest,
    account: BusinessAccount,
    contact: Contact,
    form: forms.Form,
    *,
    resent: bool = False,
    resend_error: CodedError | None = None,
) -> HttpResponse:
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


def _dialog(request: HttpRequest, account: BusinessAccount, step: str, **context: Any) -> HttpResponse:
    """The dialog over Personal information (which is shown as stored: the dialog never calls Loop)."""
    overview = link_overview(account)
    return render(
        request,
        "business/unlink_loop.html",
        {
            "section": "personal",
            "dialog": True,
            "step": step,
            "account": account,
            "link": overview.link,
            "form": DisplayNameForm(initial={"display_name": account.display_name}),
            "masked": overview.masked_addresses,
            **context,
        },
    )


def _user(request: HttpRequest) -> BusinessAccount:
    user = request.user
    assert isinstance(user, BusinessAccount)
    return user
