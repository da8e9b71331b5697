from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountlink.consumer.oauth.models import AppPermission, Client
from accountlink.kit.authviews import AccountViews
from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.forms import add_coded_error
from accountlink.kit.sessions.views import SessionPages
from accountlink.kit.throttle.guard import password_guess
from accountlink.kit.views import language_of, posted, safe_next

from . import actions
from .forms import AccountTypeForm, BirthDateForm, DeleteAccountForm, SignupForm
from .lookup import find_account
from .models import AccountStatus, AccountType, LoopAccount


def _login_refusal(account: LoopAccount) -> ErrorCode | None:
    return ErrorCode.LOGIN_SUSPENDED if account.status != AccountStatus.ACTIVE else None


# What a client key can be (``registration`` issues URL-safe base64; django-oauth-toolkit allows 100).
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _continuing_to(request: HttpRequest) -> dict[str, Any]:
    """The app the person logs in to continue to, when the login page is on the way to its consent
    screen (``next`` is ``/v2/auth/authorize/?client_key=…``): only a registered client's own name,
    looked up by its key, is ever shown."""
    target = urlsplit(safe_next(request, ""))
    if target.path != reverse("oauth:authorize"):
        return {}
    query = parse_qs(target.query)
    key = (query.get("client_key") or query.get("client_id") or [""])[0]
    if not CLIENT_KEY.fullmatch(key):  # a NUL or any other byte no key has: nothing to look up
        return {}
    name = Client.objects.filter(client_id=key).values_list("name", flat=True).first()
    return {"continuing_to": name} if name else {}


account_views = AccountViews(
    namespace="loop",
    templates="loop",
    identifier_label=gettext_lazy("Username, email or phone"),
    find_account=find_account,
    login_refusal=_login_refusal,
    login_context=_continuing_to,
    password_changed_url="settings_security",
)
# Settings and privacy → Security and login → Manage devices.
session_pages = SessionPages(namespace="loop", template="loop/manage_devices.html", context={})


def _user(request: HttpRequest) -> LoopAccount:
    user = request.user
    assert isinstance(user, LoopAccount)
    return user


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        account = _user(request)
        apps = AppPermission.objects.filter(account=account).select_related("client").order_by("-granted_at")
        context = {"account": account, "tab": "home", "apps": apps[:3], "app_count": apps.count()}
        return render(request, "loop/home.html", context)
    return render(request, "loop/welcome.html")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("loop:home")
    language = language_of(request)
    form = SignupForm(posted(request), language=language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = actions.do_start_signup(
                handle=data["handle"],
                display_name=data["display_name"],
                contact=data["contact"],
                password=data["password"],
                birth_date=data["birth_date"],
                language=language,
            )
        except CodedError as error:
            field = {ErrorCode.SIGNUP_HANDLE_TAKEN: "handle", ErrorCode.SIGNUP_TOO_YOUNG: "birth_date"}.get(error.code)
            add_coded_error(form, error, field)
        else:
            account_views.start_signup_flow(request, pending.account_id, pending.contact)
            return redirect("loop:signup_verify")
    return render(request, "loop/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "loop/profile.html", {"account": _user(request), "tab": "profile"})


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "loop/settings.html", {"account": _user(request)})


def _change_account_type(request: HttpRequest, account: LoopAccount, form: Form) -> HttpResponse | None:
    try:
        actions.do_change_account_type(account, AccountType(form.cleaned_data["account_type"]), actor=account)
    except CodedError as error:
        add_coded_error(form, error)
        return None
    messages.success(request, _("Your account type is now: %(type)s.") % {"type": account.get_account_type_display()})
    return redirect("loop:settings_account")


def _change_birth_date(request: HttpRequest, account: LoopAccount, form: Form) -> HttpResponse | None:
    try:
        actions.do_change_birth_date(account, form.cleaned_data["birth_date"], actor=account)
    except CodedError as error:
        add_coded_error(form, error, "birth_date")
        return None
    messages.success(request, _("Your date of birth has been saved."))
    return redirect("loop:settings_account")


def _delete_account(request: HttpRequest, account: LoopAccount, form: Form) -> HttpResponse | None:
    try:
        with password_guess(request, account, form.cleaned_data["password"]):
            actions.check_password_confirmation(account, form.cleaned_data["password"])
    except CodedError as error:
        add_coded_error(form, error, "password")
        return None
    actions.do_delete_account(account, actor=account, reason="deleted_by_holder")
    logout(request)
    messages.success(request, _("Your %(brand)s account has been deleted.") % {"brand": platform_settings.BRAND})
    return redirect("loop:home")


# What each form of the Account page does when it is sent valid: a redirect, or None when the action
# refused (the refusal is then on the form).
_ACCOUNT_SETTINGS_ACTIONS: dict[str, Callable[[HttpRequest, LoopAccount, Form], HttpResponse | None]] = {
    "account_type": _change_account_type,
    "birth_date": _change_birth_date,
    "delete": _delete_account,
}


@login_required
def settings_account(request: HttpRequest) -> HttpResponse:
    """Account: switch account type, correct the date of birth, delete the account. Each form names
    itself with the ``action`` of its submit button (switching type is the default).
    """
    account = _user(request)
    action = request.POST.get("action", "account_type") if request.method == "POST" else ""

    def data_for(form_action: str) -> Any:
        return posted(request) if action == form_action else None

    forms: dict[str, Form] = {
        "account_type": AccountTypeForm(data_for("account_type"), initial={"account_type": account.account_type}),
        "birth_date": BirthDateForm(data_for("birth_date"), initial={"birth_date": account.birth_date}),
        "delete": DeleteAccountForm(data_for("delete")),
    }
    sent = forms.get(action)
    if sent is not None and sent.is_valid():
        done = _ACCOUNT_SETTINGS_ACTIONS[action](request, account, sent)
        if done is not None:
            return done
    return render(
        request,
        "loop/settings_account.html",
        {
            "account": account,
            "form": forms["account_type"],
            "birth_date_form": forms["birth_date"],
            "delete_form": forms["delete"],
        },
    )


@login_required
def settings_security(request: HttpRequest) -> HttpResponse:
    return render(request, "loop/settings_security.html", {"account": _user(request)})
