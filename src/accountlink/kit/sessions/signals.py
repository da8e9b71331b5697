"""Every login and logout, whichever page or test helper made it, passes through Django's signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import actions


@receiver(user_logged_in, dispatch_uid="accountlink.kit.sessions.login")
def register_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        actions.start_session(request, user)


@receiver(user_logged_out, dispatch_uid="accountlink.kit.sessions.logout")
def end_logged_out_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        actions.end_session_of(request)
