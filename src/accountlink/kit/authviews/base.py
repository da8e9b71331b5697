"""What every shared account page knows of its platform: its URL namespace, its templates and how it
finds an account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse

from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import ErrorCode
from accountlink.kit.flows import start_flow
from accountlink.kit.views import contact_to_session


@dataclass
class AccountPages:
    namespace: str
    templates: str
    identifier_label: Any
    find_account: Callable[[str, str], Any]
    # Returns an error code when a correctly authenticated account still may not log in.
    login_refusal: Callable[[Any], ErrorCode | None] = lambda account: None
    # More for the login page's template (Loop: the app the person is logging in to continue to).
    login_context: Callable[[HttpRequest], dict[str, Any]] = lambda request: {}
    # Where "Change password" returns to.
    password_changed_url: str = "home"

    def url(self, name: str) -> str:
        return reverse(f"{self.namespace}:{name}")

    def absolute_url(self, name: str) -> str:
        return platform_settings.SITE_URL + self.url(name)

    def template(self, name: str) -> str:
        return f"{self.templates}/{name}.html"

    @staticmethod
    def account_by_id(account_id: int | None) -> Any:
        return get_user_model().objects.filter(pk=account_id).first() if account_id else None

    def start_signup_flow(self, request: HttpRequest, account_id: int | None, contact: Any) -> None:
        """The sign-up's code was sent to ``contact``: the next page asks for it."""
        start_flow(request, "signup", account_id=account_id, contact=contact_to_session(contact))
