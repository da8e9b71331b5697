"""User settings: the overview and Personal information (name, email, phone, password, and the
Loop account card whose buttons lead to ``linking``).

User settings is not an app of its own: it is the set of pages that shows what ``accounts`` and
``linking`` own, so it sits above both (``accounts`` never imports ``linking``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accountlink.business.accounts import actions
from accountlink.business.accounts.forms import ChangeContactForm, DisplayNameForm
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.refresh import do_queue_refresh_if_stale
from accountlink.business.linking.queries import link_overview
from accountlink.kit.codes.models import Channel
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, start_flow
from accountlink.kit.forms import CodeForm, add_coded_error
from accountlink.kit.sessions.reauth import ask_to_reauthenticate, recent_login_required
from accountlink.kit.throttle.guard import guarded_code, password_guess
from accountlink.kit.views import contact_from_session, contact_to_session, language_of, posted, recently_authenticated

CHANNELS = {"email": Channel.EMAIL, "phone": Channel.SMS}
REAUTHENTICATE = "business:reauthenticate"


def _user(request: HttpRequest) -> BusinessAccount:
    user = request.user
    assert isinstance(user, BusinessAccount)
    return user


@login_required
def user_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "business/user_settings.html", {"section": "overview"})


@login_required
def personal_information(request: HttpRequest) -> HttpResponse:
    account = _user(request)
    form = DisplayNameForm(posted(request), initial={"display_name": account.display_name})
    if request.method == "POST" and form.is_valid():
        actions.do_change_display_name(account, form.cleaned_data["display_name"])
        messages.success(request, _("Your display name has been updated."))
        return redirect("business:personal_information")
    overview = link_overview(account)
    do_queue_refresh_if_stale(overview.link)  # the page shows the link as stored; a worker refreshes it
    return render(
        request,
        "business/personal_information.html",
        {"section": "personal", "account": account, "form": form, "link": overview.link},
    )


def _proves_itself(account: BusinessAccount) -> bool:
    """An account with a password types it on the page, which is a recent authentication in itself."""
    return account.has_usable_password()


@login_required
@recent_login_required(REAUTHENTICATE, unless=_proves_itself)
def change_contact(request: HttpRequest, kind: str) -> HttpResponse:
    account = _user(request)
    channel = CHANNELS[kind]
    form = ChangeContactForm(posted(request), channel=channel, user=account, language=language_of(request))
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["value"]
        try:
            with password_guess(request, account, form.cleaned_data.get("current_password")):
                actions.do_start_contact_change(
                    account,
                    contact,
                    current_password=form.cleaned_data.get("current_password"),
                    recently_authenticated=recently_authenticated(request),
                )
        except CodedError as error:
            if error.code == ErrorCode.REAUTH_REQUIRED:  # the 10 minutes ran out while the form was open
                return ask_to_reauthenticate(request, REAUTHENTICATE)
            add_coded_error(form, error, "current_password" if error.code == ErrorCode.PASSWORD_INCORRECT else "value")
        else:
            start_flow(request, f"contact:{kind}", contact=contact_to_session(contact))
            return redirect("business:verify_contact", kind=kind)
    title = _("Change email address") if channel == Channel.EMAIL else _("Change phone number")
    if account.contact_for(channel) is None:
        title = _("Add email address") if channel == Channel.EMAIL else _("Add phone number")
    return render(request, "business/change_contact.html", {"section": "personal", "form": form, "title": title})


@login_required
def verify_contact(request: HttpRequest, kind: str) -> HttpResponse:
    account = _user(request)
    try:
        state = get_flow(request, f"contact:{kind}")
    except CodedError as error:
        messages.error(request, error.message)
        return redirect("business:personal_information")
    contact = contact_from_session(state["contact"])
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        first = account.contact_for(contact.channel) is None
        code = form.cleaned_data["code"]
        try:
            guarded_code(
                request, account, contact.value, lambda: actions.do_confirm_contact_change(account, contact, code)
            )
        except CodedError as error:
            add_coded_error(form, error, "code")
        else:
            end_flow(request, f"contact:{kind}")
            if kind == "email":
                message = (
                    _("Your email address has been added.") if first else _("Your email address has been changed.")
                )
            else:
                message = _("Your phone number has been added.") if first else _("Your phone number has been changed.")
            messages.success(request, message)
            return redirect("business:personal_information")
    return render(
        request,
        "business/code.html",
        {"section": "personal", "form": form, "title": _("Enter the verification code"), "sent_to": contact.masked},
    )
