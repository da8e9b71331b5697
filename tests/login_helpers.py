"""A login without a browser, for tests that need what one leaves behind (its session row, ``last_login``,
its audit event): the login action itself, on a request made up for it."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.test import RequestFactory

from accountlink.kit.accounts.actions import do_log_in


def log_in_elsewhere(account: Any) -> None:
    request = RequestFactory().post("/login/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    do_log_in(request, account)
