"""The account pages both platforms share: log in (``login``), confirm a sign-up code (``signup``),
forgot and change password (``password``), Confirm it's you (``reauth``) and Security activity.
Each platform makes one :class:`AccountViews` with its own templates, URL namespace and account
lookup; the pages call the kit's actions.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

from accountlink.kit.accounts import actions as accounts
from accountlink.kit.audit.models import AuditEvent
from accountlink.kit.i18n.views import language_view

from .password import PasswordPages
from .reauth import ReauthenticationPages
from .signup import SignupPages


class AccountViews(SignupPages, PasswordPages, ReauthenticationPages):
    """Every shared account page of one platform (the fields are :class:`base.AccountPages`'s)."""

    def security_activity(self, request: HttpRequest) -> HttpResponse:
        events = AuditEvent.objects.filter(account_id=request.user.pk).select_related("actor")[:100]
        return render(request, self.template("security_activity"), {"events": events, "section": "security"})

    def save_language(self, account: Any, language: str) -> None:
        accounts.do_change_language(account, language)

    def urls(self) -> list[Any]:
        """The pages that need no login; each platform routes the signed-in ones (``login_required``)."""
        return [
            path("login/", self.login, name="login"),
            path("logout/", require_POST(self.logout), name="logout"),
            path("signup/verify/", self.signup_verify, name="signup_verify"),
            path("login/staff-code/", self.staff_login_verify, name="staff_login_verify"),
            path("password/forgot/", self.forgot_password, name="forgot_password"),
            path("password/reset/", self.password_reset, name="password_reset"),
            path("language/", language_view(self.save_language), name="set_language"),
        ]
