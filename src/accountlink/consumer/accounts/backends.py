from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from .lookup import find_account
from .models import AccountStatus, LoopAccount


class LoopAccountBackend(BaseBackend):
    """Log in by handle, email or phone. Answers the same time for unknown accounts."""

    def authenticate(
        self, request: HttpRequest | None, identifier: str | None = None, password: str | None = None, **kwargs: Any
    ) -> LoopAccount | None:
        if not identifier or password is None:
            return None
        # ``known_account``: what the login page already found by this identifier (None: no account).
        account = kwargs["known_account"] if "known_account" in kwargs else find_account(identifier)
        if account is None or account.status == AccountStatus.DELETED:
            LoopAccount().set_password(password)  # same cost as a real check
            return None
        return account if account.check_password(password) else None

    def get_user(self, user_id: Any) -> LoopAccount | None:
        # Suspended, deleted or unverified accounts lose their sessions on their next request.
        account = LoopAccount.objects.filter(pk=user_id).first()
        return account if account is not None and account.is_active else None
