from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from accountlink.kit.authviews import AccountViews
from accountlink.kit.errors import CodedError
from accountlink.kit.forms import add_coded_error
from accountlink.kit.views import language_of, posted

from . import actions
from .forms import SignupForm
from .lookup import find_account

account_views = AccountViews(
    namespace="business",
    templates="business",
    identifier_label=gettext_lazy("Email or phone number"),
    find_account=find_account,
    password_changed_url="personal_information",
)


def home(request: HttpRequest) -> HttpResponse:
    return redirect("business:adsmanager" if request.user.is_authenticated else "business:login")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("business:adsmanager")
    language = language_of(request)
    form = SignupForm(posted(request), language=language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = actions.do_start_signup(
                contact=data["contact"], password=data["password"], display_name=data["display_name"], language=language
            )
        except CodedError as error:
            add_coded_error(form, error)
        else:
            account_views.start_signup_flow(request, pending.account_id, pending.contact)
            return redirect("business:signup_verify")
    return render(request, "business/signup.html", {"form": form})
