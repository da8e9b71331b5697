from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountlink.kit.authviews import AccountViews
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.forms import add_coded_error
from accountlink.kit.views import language_of, posted

from . import actions
from .forms import AccountTypeForm, SignupForm
from .lookup import find_account
from .models import AccountStatus, AccountType, LoopAccount


def _login_refusal(account: LoopAccount) -> ErrorCode | None:
    return ErrorCode.LOGIN_SUSPENDED if account.status != AccountStatus.ACTIVE else None


account_views = AccountViews(
    namespace="loop",
    templates="loop",
    identifier_label=gettext_lazy("Username, email or phone"),
    find_account=find_account,
    login_refusal=_login_refusal,
    password_changed_url="settings_security",
)


def _user(request: HttpRequest) -> LoopAccount:
    user = request.user
    assert isinstance(user, LoopAccount)
    return user


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "loop/home.html", {"account": _user(request), "tab": "home"})
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


@login_required
def settings_account(request: HttpRequest) -> HttpResponse:
    account = _user(request)
    form = AccountTypeForm(posted(request), initial={"account_type": account.account_type})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_account_type(account, AccountType(form.cleaned_data["account_type"]), actor=account)
        except CodedError as error:
            add_coded_error(form, error)
        else:
            messages.success(
                request, _("Your account type is now: %(type)s.") % {"type": account.get_account_type_display()}
            )
            return redirect("loop:settings_account")
    return render(request, "loop/settings_account.html", {"account": account, "form": form})


@login_required
def settings_security(request: HttpRequest) -> HttpResponse:
    return render(request, "loop/settings_security.html", {"account": _user(request)})
