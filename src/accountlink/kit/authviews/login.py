"""Log in and out, with a password; staff add a code sent to them (the second factor), and an
account whose address was never confirmed goes back to its sign-up code."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accountlink.kit.accounts import actions as accounts
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, start_flow
from accountlink.kit.forms import CodeForm, add_coded_error
from accountlink.kit.sessions import actions as session_actions
from accountlink.kit.sessions.registry import session_row
from accountlink.kit.staff import start_staff_session
from accountlink.kit.throttle.devices import is_known_device, remember_device
from accountlink.kit.throttle.guard import guard, guarded_code
from accountlink.kit.views import contact_from_session, contact_to_session, language_of, posted, safe_next

from .base import AccountPages
from .forms import LoginForm


class LoginPages(AccountPages):
    def login(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(self.url("home"))
        form = LoginForm(posted(request))
        form.fields["identifier"].label = self.identifier_label
        error_code: ErrorCode | None = None
        refused_account = None  # a suspended account, whose holder is shown why and how to appeal
        if request.method == "POST" and form.is_valid():
            try:
                account = self.authenticate_password(
                    request, form.cleaned_data["identifier"], form.cleaned_data["password"]
                )
            except CodedError as error:
                add_coded_error(form, error)
                error_code = error.code
            else:
                error_code = self.login_refusal(account)
                refused_account = account if error_code is not None else None
                if error_code is None and account.verified_at is None:
                    return self._continue_signup(request, account)
                if error_code is None:
                    return self.finish_login(request, account, safe_next(request, self.url("home")))
                add_coded_error(form, CodedError(error_code))
        return render(
            request,
            self.template("login"),
            {
                "form": form,
                "error_code": error_code,
                "refused_account": refused_account,
                "next": safe_next(request, ""),
                **self.login_context(request),
            },
        )

    def authenticate_password(self, request: HttpRequest, identifier: str, password: str) -> Any:
        """The account whose password this is, or ``login.invalid_credentials``; ``auth.throttled``
        while the account (or this identifier, when it matches no account) or this client must wait.
        The login page asks it, and so does any page where a person logs in to an account (one
        throttle for every door, DESIGN §8)."""
        known = self.find_account(identifier, language_of(request))
        attempt = guard(request, "login", known, identifier)
        # The backend takes the account found above rather than looking it up again (issue 18).
        account = authenticate(request, identifier=identifier, password=password, known_account=known)
        if account is None:
            attempt.failed()
            if known is not None:
                accounts.do_record_failed_login(known)
            raise CodedError(ErrorCode.LOGIN_INVALID_CREDENTIALS)
        attempt.succeeded()
        return account

    def finish_login(self, request: HttpRequest, account: Any, next_url: str) -> HttpResponse:
        if account.is_staff:
            return self._start_staff_login(request, account, next_url)
        return self._log_in(request, account, next_url)

    def _log_in(self, request: HttpRequest, account: Any, next_url: str) -> HttpResponse:
        # A browser never seen on the account gets a security alert, except at the account's first login.
        alert = account.last_login is not None and not is_known_device(request, account)
        accounts.do_log_in(request, account)  # also marks the session as recently authenticated (kit.sessions)
        response = redirect(next_url)
        remember_device(request, response, account)
        row = session_row(request) if alert else None  # made by the login just now
        if row is not None:
            session_actions.do_alert_new_device(account, row, sessions_url=self.absolute_url("sessions"))
        return response

    # Staff: the password, then a code (the second factor), then a short session

    def _start_staff_login(self, request: HttpRequest, account: Any, next_url: str) -> HttpResponse:
        try:
            contact = accounts.do_send_staff_login_code(account)
        except CodedError as error:
            if error.code != ErrorCode.CODE_RESEND_TOO_SOON:  # a code sent a moment ago still works
                messages.error(request, error.message, extra_tags=error.code.value)
                return redirect(self.url("login"))
            contact = account.contacts()[0]
        start_flow(request, "staff_login", account_id=account.pk, contact=contact_to_session(contact), next=next_url)
        return redirect(self.url("staff_login_verify"))

    def staff_login_verify(self, request: HttpRequest) -> HttpResponse:
        try:
            state = get_flow(request, "staff_login")
        except CodedError as error:
            messages.error(request, error.message)
            return redirect(self.url("login"))
        contact = contact_from_session(state["contact"])
        form = CodeForm(posted(request))
        if request.method == "POST" and form.is_valid():
            staff = self.account_by_id(state["account_id"])
            try:
                account = guarded_code(
                    request,
                    staff,
                    contact.value,
                    lambda: accounts.do_confirm_staff_login(staff, contact, form.cleaned_data["code"]),
                )
            except CodedError as error:
                add_coded_error(form, error, "code")
            else:
                end_flow(request, "staff_login")
                response = self._log_in(request, account, state["next"])
                start_staff_session(request)
                return response
        return render(
            request,
            self.template("code"),
            {"form": form, "title": _("Enter your staff sign-in code"), "sent_to": contact.masked},
        )

    def _continue_signup(self, request: HttpRequest, account: Any) -> HttpResponse:
        """The password was right but the address was never confirmed: send a code again."""
        contact = account.contacts()[0]
        with contextlib.suppress(CodedError):  # a code sent less than a minute ago still works
            accounts.do_resend_signup_code(account, contact, account.language)
        self.start_signup_flow(request, account.pk, contact)
        return redirect(self.url("signup_verify"))

    def logout(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            accounts.do_record_logout(request.user)
        logout(request)
        # "Not you?" on the consent screen logs out and comes back to it, to log in as someone else.
        return redirect(safe_next(request, self.url("home")))
