from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse

from . import actions
from .models import AccountSession
from .registry import session_id, session_row


class SessionRegistryMiddleware:
    """A signed-in session works only while its row in the registry is live and names its account.

    So a session that was ended (Log out on Manage devices, a suspension, a restore) is logged out
    on its next request, whatever happened to its key; and "Last active" is kept up to date. Sits
    right after Django's ``AuthenticationMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        row = self._check(request) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        request.account_session = row  # type: ignore[attr-defined]
        response = self.get_response(request)
        if row is not None and session_id(request) == row.public_id:
            actions.follow_key(row, request.session.session_key or "")
        return response

    @staticmethod
    def _check(request: HttpRequest) -> AccountSession | None:
        user_id = request.session.get(SESSION_KEY)
        if user_id is None:
            return None
        row = session_row(request)
        if row is None or row.ended_at is not None or str(row.account_id) != str(user_id):
            logout(request)
            return None
        actions.touch_session(row, request)
        return row
