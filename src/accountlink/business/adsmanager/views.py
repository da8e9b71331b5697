from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.views import posted

from .actions import do_create_ad_account
from .forms import AdAccountForm
from .models import AdAccount


def _user(request: HttpRequest) -> BusinessAccount:
    assert isinstance(request.user, BusinessAccount)
    return request.user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    ad_accounts = AdAccount.objects.filter(owner_id=request.user.pk)
    return render(request, "business/adsmanager.html", {"ad_accounts": ad_accounts})


@login_required
def create_ad_account(request: HttpRequest) -> HttpResponse:
    form = AdAccountForm(posted(request), initial={"currency": "USD", "time_zone": "Asia/Tokyo"})
    if request.method == "POST" and form.is_valid():
        ad_account = do_create_ad_account(_user(request), **form.cleaned_data)
        messages.success(request, _("Ad account “%(name)s” created.") % {"name": ad_account.name})
        return redirect("business:adsmanager")
    return render(request, "business/ad_account_form.html", {"form": form})
