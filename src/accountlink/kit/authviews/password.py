"""Passwords: Forgot password (a code to a registered address, then a new password) and Change
password (or set a first one, after a recent login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accountlink.kit.accounts import actions as accounts
from accountlink.kit.errors import CodedError
from accountlink.kit.flows import end_flow, get_flow, redeem_in_flow, start_flow
from accountlink.kit.forms import ResetPasswordForm, add_coded_error
from accountlink.kit.reset_tasks import request_password_reset
from accountlink.kit.sessions.reauth import ask_to_reauthenticate
from accountlink.kit.sessions.registry import current_session
from accountlink.kit.throttle.guard import password_guess
from accountlink.kit.views import language_of, mark_authenticated_now, posted, recently_authenticated

from .base import AccountPages
from .forms import ChangePasswordForm, ForgotPasswordForm


class PasswordPages(AccountPages):
    def forgot_password(self, request: HttpRequest) -> HttpResponse:
        form = ForgotPasswordForm(posted(request))
        form.fields["identifier"].label = self.identifier_label
        if request.method == "POST" and form.is_valid():
            # The same work and the same next page whether or not an account was found.
            request_password_reset(form.cleaned_data["identifier"], language_of(request))
            start_flow(request, "reset", identifier=form.cleaned_data["identifier"], language=language_of(request))
            return redirect(self.url("password_reset"))
        return render(request, self.template("forgot_password"), {"form": form})

    def password_reset(self, request: HttpRequest) -> HttpResponse:
        try:
            state = get_flow(request, "reset")
        except CodedError as error:
            messages.error(request, error.message)
            return redirect(self.url("forgot_password"))
        form = ResetPasswordForm(posted(request))
        if request.method == "POST" and form.is_valid():
            identifier, language = str(state.get("identifier", "")), str(state.get("language", "en"))
            account = self.find_account(identifier, language)
            contact = accounts.reset_contact(account, identifier, language) if account is not None else None
            data = form.cleaned_data

            def reset() -> Any:
                assert contact is not None  # redeem_in_flow calls this only for an account with one
                return accounts.do_reset_password(account, contact, data["code"], data["new_password"])

            try:
                redeem_in_flow(
                    request, "reset", state, account if contact is not None and account.is_active else None, reset
                )
            except CodedError as error:
                add_coded_error(form, error, "code")
            else:
                end_flow(request, "reset")
                messages.success(request, _("Your password has been reset. Log in with your new password."))
                return redirect(self.url("login"))
        return render(request, self.template("password_reset"), {"form": form})

    def change_password(self, request: HttpRequest) -> HttpResponse:
        account: Any = request.user  # signed in (the URL is login_required)
        if not account.has_usable_password() and not recently_authenticated(request):
            # A first password has no current one to prove it's the holder: a recent login does.
            return ask_to_reauthenticate(request, f"{self.namespace}:reauthenticate")
        form = ChangePasswordForm(posted(request), user=account)
        if request.method == "POST" and form.is_valid():
            first_password = not account.has_usable_password()
            here = current_session(request)
            try:
                with password_guess(request, account, form.cleaned_data.get("current_password")):
                    accounts.do_change_password(
                        account,
                        current_password=form.cleaned_data.get("current_password"),
                        new_password=form.cleaned_data["new_password"],
                        keep_session=here.public_id if here else None,
                    )
            except CodedError as error:
                add_coded_error(form, error, "current_password")
            else:
                update_session_auth_hash(request, account)
                mark_authenticated_now(request)
                messages.success(
                    request,
                    _("Your password has been set.") if first_password else _("Your password has been changed."),
                )
                return redirect(self.url(self.password_changed_url))
        return render(request, self.template("change_password"), {"form": form, "section": "personal"})
