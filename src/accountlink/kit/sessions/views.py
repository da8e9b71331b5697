"""**Manage devices** (Loop) and **Sessions** (Loop for Business): every signed-in browser of the
account, with **Log out** for each other one and **Log out of all other devices**.

Each platform makes one :class:`SessionPages` with its URL namespace and template. A person only
ever sees and ends their own sessions: any other id (unknown, ended, another account's) is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accountlink.kit.accounts.actions import do_record_logout

from . import actions
from .models import AccountSession
from .registry import current_session, is_public_id, live_sessions
from .useragent import describe


@dataclass(frozen=True)
class SignedInBrowser:
    """One row of the page."""

    public_id: str
    device: str
    ip_address: str
    signed_in_at: datetime
    last_active_at: datetime
    is_current: bool
    log_out_url: str


@dataclass
class SessionPages:
    namespace: str
    template: str
    # Extra context of the page (the settings section it belongs to).
    context: dict[str, Any]

    def url(self, name: str, *args: str) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)

    def browsers(self, request: HttpRequest) -> list[SignedInBrowser]:
        current = current_session(request)
        rows = live_sessions(request.user)
        # This browser first, then the others, most recently active first.
        rows.sort(key=lambda row: current is None or row.pk != current.pk)
        return [
            SignedInBrowser(
                public_id=row.public_id,
                device=describe(row.user_agent),
                ip_address=row.ip_address or "",
                signed_in_at=row.signed_in_at,
                last_active_at=row.last_active_at,
                is_current=current is not None and row.pk == current.pk,
                log_out_url=self.url("session_logout", row.public_id),
            )
            for row in rows
        ]

    def page(self, request: HttpRequest) -> HttpResponse:
        browsers = self.browsers(request)
        context = {
            "browsers": browsers,
            "others": sum(not browser.is_current for browser in browsers),
            "log_out_others_url": self.url("sessions_logout_others"),
            **self.context,
        }
        return render(request, self.template, context)

    def _own(self, request: HttpRequest, public_id: str) -> AccountSession:
        row = (
            AccountSession.objects.filter(
                public_id=public_id, account_id=request.user.pk, ended_at__isnull=True
            ).first()
            if is_public_id(public_id)
            else None
        )
        if row is None:
            raise Http404
        return row

    def log_out_one(self, request: HttpRequest, public_id: str) -> HttpResponse:
        row = self._own(request, public_id)
        current = current_session(request)
        if current is not None and current.pk == row.pk:
            # This browser: the ordinary Log out.
            do_record_logout(request.user)
            logout(request)
            return redirect(self.url("login"))
        if actions.do_end_session(request.user, row, actor=request.user):
            messages.success(request, _("%(device)s has been logged out.") % {"device": describe(row.user_agent)})
        return redirect(self.url("sessions"))

    def log_out_others(self, request: HttpRequest) -> HttpResponse:
        current = current_session(request)
        ended = actions.do_end_other_sessions(
            request.user, keep=current.public_id if current else None, actor=request.user
        )
        if ended:
            message = ngettext(
                "%(count)s other device has been logged out.", "%(count)s other devices have been logged out.", ended
            ) % {"count": ended}
        else:
            message = _("No other devices were logged in.")
        messages.success(request, message)
        return redirect(self.url("sessions"))

    def urls(self, prefix: str) -> list[URLPattern]:
        """The page at ``prefix`` (e.g. "settings/sessions/"), and its two buttons under it."""
        return [
            path(prefix, login_required(require_GET(self.page)), name="sessions"),
            path(
                f"{prefix}log-out-others/",
                login_required(require_POST(self.log_out_others)),
                name="sessions_logout_others",
            ),
            path(
                f"{prefix}<str:public_id>/log-out/",
                login_required(require_POST(self.log_out_one)),
                name="session_logout",
            ),
        ]
