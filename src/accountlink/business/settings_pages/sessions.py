"""User settings → **Sessions**, and **Confirm it's you** (DESIGN §8) on Loop for Business.

Confirm it's you takes the password, or, for an account linked to Loop, Continue with Loop
(``linking.views.start.reauthenticate_with_loop``): the only way in for an account made with Continue
with Loop that has no password yet.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.accounts.views import account_views
from accountlink.business.linking.queries import has_link
from accountlink.kit.sessions.views import SessionPages

session_pages = SessionPages(namespace="business", template="business/sessions.html", context={"section": "sessions"})


@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, BusinessAccount)
    return account_views.reauthenticate(request, extra_context={"other_ways": has_link(account)})
