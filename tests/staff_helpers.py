"""A logged-in staff member's browser for the HTTP tests of either platform's staff pages."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone

from accountlink.kit.staff import STAFF_SESSION_KEY


def staff_client(account: Any, *, csrf: bool = False, second_factor: bool = True) -> HttpClient:
    """Logged in as ``account``; with ``second_factor`` the session also passed the staff code,
    as the real sign-in does (``tests/kit/test_staff_login.py`` covers that sign-in itself)."""
    browser = HttpClient(enforce_csrf_checks=csrf)
    browser.force_login(account)
    if second_factor:
        session = browser.session
        session[STAFF_SESSION_KEY] = timezone.now().timestamp()
        session.save()
    return browser
