"""**Confirm it's you** (DESIGN §8): before a sensitive change, the holder of a signed-in session
proves it again, and goes back to what they were doing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accountlink.kit.accounts import actions as accounts
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.forms import add_coded_error
from accountlink.kit.sessions import actions as session_actions
from accountlink.kit.throttle.guard import password_guess
from accountlink.kit.views import mark_authenticated_now, posted, safe_next

from .base import AccountPages
from .forms import ReauthenticateForm


class ReauthenticationPages(AccountPages):
    def reauthenticate(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The password again, then back to ``next``. A platform adds other ways in ``extra_context``
        (Loop for Business: Continue with Loop)."""
        account: Any = request.user  # signed in (the URL is login_required)
        next_url = safe_next(request, self.url(self.password_changed_url))
        retry = (request.POST.get("retry") or request.GET.get("retry")) == "1"
        form = ReauthenticateForm(posted(request)) if account.has_usable_password() else None
        if form is not None and request.method == "POST" and form.is_valid():
            password = form.cleaned_data["password"]
            try:
                with password_guess(request, account, password):
                    accounts.check_password(account, password)
            except CodedError as error:
                add_coded_error(form, error, "password" if error.code == ErrorCode.PASSWORD_INCORRECT else None)
            else:
                return self.reauthenticated(request, account, "password", next_url, retry=retry)
        context = {
            "form": form,
            "next": next_url,
            "retry": retry,
            "cancel_url": self.url(self.password_changed_url),
            **(extra_context or {}),
        }
        return render(request, self.template("reauthenticate"), context)

    @staticmethod
    def reauthenticated(request: HttpRequest, account: Any, method: str, next_url: str, *, retry: bool) -> HttpResponse:
        """It's the holder: the session counts as recently authenticated; back to what they were doing."""
        session_actions.do_record_reauthentication(account, method=method)
        mark_authenticated_now(request)
        if retry:
            messages.info(request, _("Thank you. Nothing was changed yet, so please do it again."))
        return redirect(next_url)
