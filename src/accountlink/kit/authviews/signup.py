"""Confirming a sign-up: the code sent to the new account's email or phone, sent again on request;
once it is right, the holder is logged in."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accountlink.kit.accounts import actions as accounts
from accountlink.kit.brand import site_name
from accountlink.kit.errors import CodedError
from accountlink.kit.flows import end_flow, get_flow, redeem_in_flow, restart_code_count
from accountlink.kit.forms import CodeForm, add_coded_error
from accountlink.kit.views import contact_from_session, language_of, posted

from .login import LoginPages


class SignupPages(LoginPages):
    def signup_verify(self, request: HttpRequest) -> HttpResponse:
        try:
            state = get_flow(request, "signup")
        except CodedError as error:
            messages.error(request, error.message)
            return redirect(self.url("signup"))
        contact = contact_from_session(state["contact"])
        account = self.account_by_id(state["account_id"])
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
                messages.success(request, _("Welcome to %(brand)s!") % {"brand": site_name()})
                return self.finish_login(request, account, self.url("home"))
        return render(
            request,
            self.template("code"),
            {"form": form, "title": _("Confirm your email or phone"), "sent_to": contact.masked, "allow_resend": True},
        )
