"""The account pages both platforms share: log in, confirm a sign-up code, forgot password, change
password and Security activity. Each platform makes one :class:`AccountViews` with its own
templates, URL namespace and account lookup; the pages call the kit's actions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accountlink.kit.accounts import actions as accounts
from accountlink.kit.audit.models import AuditEvent
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, redeem_in_flow, restart_code_count, start_flow
from accountlink.kit.forms import CodeForm, NewPasswordMixin, ResetPasswordForm, add_coded_error
from accountlink.kit.reset_tasks import request_password_reset
from accountlink.kit.sessions import actions as session_actions
from accountlink.kit.sessions.reauth import ask_to_reauthenticate
from accountlink.kit.sessions.registry import current_session, session_row
from accountlink.kit.staff import start_staff_session
from accountlink.kit.throttle.devices import is_known_device, remember_device
from accountlink.kit.throttle.guard import guard, guarded_code, password_guess
from accountlink.kit.views import (
    contact_from_session,
    contact_to_session,
    language_of,
    mark_authenticated_now,
    posted,
    recently_authenticated,
    safe_next,
)


class LoginForm(forms.Form):
    identifier = forms.CharField(
        max_length=254, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ForgotPasswordForm(forms.Form):
    identifier = forms.CharField(max_length=254, widget=forms.TextInput(attrs={"autofocus": True}))


class ReauthenticateForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class ChangePasswordForm(NewPasswordMixin):
    current_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "new_password"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.password_user = user
        if user is not None and not user.has_usable_password():
            del self.fields["current_password"]


@dataclass
class AccountViews:
    namespace: str
    templates: str
    identifier_label: Any
    find_account: Callable[[str, str], Any]
    # Returns an error code when a correctly authenticated account still may not log in.
    login_refusal: Callable[[Any], ErrorCode | None] = lambda account: None
    # Where "Change password" returns to.
    password_changed_url: str = "home"

    def url(self, name: str) -> str:
        return reverse(f"{self.namespace}:{name}")

    def template(self, name: str) -> str:
        return f"{self.templates}/{name}.html"

    # Log in and out

    def login(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(self.url("home"))
        form = LoginForm(posted(request))
        form.fields["identifier"].label = self.identifier_label
        error_code: ErrorCode | None = None
        refused_account = None  # a suspended account, whose holder is shown why and how to appeal
        if request.method == "POST" and form.is_valid():
            try:
                account = self._authenticate(request, form.cleaned_data["identifier"], form.cleaned_data["password"])
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
            },
        )

    def _authenticate(self, request: HttpRequest, identifier: str, password: str) -> Any:
        """The account whose password this is, or ``login.invalid_credentials``; ``auth.throttled``
        while the account (or this identifier, when it matches no account) or this client must wait."""
        known = self.find_account(identifier, language_of(request))
        attempt = guard(request, "login", known, identifier)
        account = authenticate(request, identifier=identifier, password=password)
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
        login(request, account)  # also marks the session as recently authenticated (kit.sessions)
        accounts.do_record_login(account)
        response = redirect(next_url)
        remember_device(request, response, account)
        row = session_row(request)  # made by the login just now
        if alert and row is not None:
            session_actions.do_alert_new_device(account, row, sessions_url=self.absolute_url("sessions"))
        return response

    def absolute_url(self, name: str) -> str:
        return str(settings.ACCOUNTLINK_SITE_URL).rstrip("/") + self.url(name)

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
            staff = self._account(state["account_id"])
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

    # Sign-up confirmation

    def start_signup_flow(self, request: HttpRequest, account_id: int | None, contact: Any) -> None:
        start_flow(request, "signup", account_id=account_id, contact=contact_to_session(contact))

    def signup_verify(self, request: HttpRequest) -> HttpResponse:
        try:
            state = get_flow(request, "signup")
        except CodedError as error:
            messages.error(request, error.message)
            return redirect(self.url("signup"))
        contact = contact_from_session(state["contact"])
        account = self._account(state["account_id"])
        form = CodeForm(posted(request))
        if request.method == "POST" and "resend" in request.POST:
            form = CodeForm()
            try:
                accounts.do_resend_signup_code(account, contact, language_of(request))
                restart_code_count(request, "signup")
                messages.success(request, _("We sent a new code."))
            except CodedError as error:
                messages.error(request, error.message, extra_tags=error.code.value)
        elif request.method == "POST" and form.is_valid():
            code = form.cleaned_data["code"]
            try:
                account = redeem_in_flow(
                    request, "signup", state, account, lambda: accounts.do_verify_contact(account, contact, code)
                )
            except CodedError as error:
                add_coded_error(form, error, "code")
            else:
                end_flow(request, "signup")
                messages.success(request, _("Welcome to %(brand)s!") % {"brand": self.brand()})
                return self.finish_login(request, account, self.url("home"))
        return render(
            request,
            self.template("code"),
            {"form": form, "title": _("Confirm your email or phone"), "sent_to": contact.masked, "allow_resend": True},
        )

    def brand(self) -> str:
        brand = settings.ACCOUNTLINK_BRAND
        return brand if self.namespace == "loop" else _("%(brand)s for Business") % {"brand": brand}

    def _account(self, account_id: int | None) -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk=account_id).first() if account_id else None

    # Forgot password

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

    # Signed-in pages

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

    def reauthenticate(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """**Confirm it's you**: the password again, then back to ``next`` (DESIGN §8). A platform
        adds other ways in ``extra_context`` (Loop for Business: Continue with Loop)."""
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

    def security_activity(self, request: HttpRequest) -> HttpResponse:
        events = AuditEvent.objects.filter(account_id=request.user.pk).select_related("actor")[:100]
        return render(request, self.template("security_activity"), {"events": events, "section": "security"})

    def save_language(self, account: Any, language: str) -> None:
        accounts.do_change_language(account, language)

    def urls(self) -> list[Any]:
        from django.urls import path

        from accountlink.kit.i18n.views import language_view

        return [
            path("login/", self.login, name="login"),
            path("logout/", require_POST(self.logout), name="logout"),
            path("signup/verify/", self.signup_verify, name="signup_verify"),
            path("login/staff-code/", self.staff_login_verify, name="staff_login_verify"),
            path("password/forgot/", self.forgot_password, name="forgot_password"),
            path("password/reset/", self.password_reset, name="password_reset"),
            path("language/", language_view(self.save_language), name="set_language"),
        ]

    def signed_in(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return login_required(view)
