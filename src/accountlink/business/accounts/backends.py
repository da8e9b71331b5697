from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from accountlink.kit.views import language_of, remember_login_identifier

from .lookup import find_account
from .models import BusinessAccount


class BusinessAccountBackend(BaseBackend):
    """Log in by email or phone and password. Answers the same time for unknown accounts."""

    def authenticate(
        self, request: HttpRequest | None, identifier: str | None = None, password: str | None = None, **kwargs: Any
    ) -> BusinessAccount | None:
        if not identifier or password is None:
            return None
        # ``known_account``: what the login page already found by this identifier (None: no account).
        # Otherwise, a number typed without country code is read the way sign-up and the login page do.
        if "known_account" in kwargs:
            account = kwargs["known_account"]
        else:
            account = find_account(identifier, language_of(request) if request is not None else "en")
        if account is None or not account.has_usable_password():
            BusinessAccount().set_password(password)  # same cost as a real check
            return None
        if not account.check_password(password):
            return None
        if request is not None and hasattr(request, "session"):
            # Kept through login() (a new session key, the same data): the Unlink dialog offers this address first.
            remember_login_identifier(request, identifier)
        return account

    def get_user(self, user_id: Any) -> BusinessAccount | None:
        account = BusinessAccount.objects.filter(pk=user_id).first()
        return account if account is not None and account.is_active else None
