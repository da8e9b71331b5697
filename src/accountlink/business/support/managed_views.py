"""The account managers' console on Loop for Business (DESIGN §4.6, §8; issue 5): at
``/staff/managed/`` a manager sees the accounts they manage and unlinks their Loop accounts, with a
reason. Any other account is not there for them (404, not 403).

It is a ``kit.support.console.Console``: its one button takes the same step as the support consoles'.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError
from accountlink.kit.staff import is_account_manager
from accountlink.kit.support.console import Button, Console, language_name
from accountlink.kit.support.console_forms import ConsoleForm, ReasonForm

from . import actions


def unlink_managed(account: BusinessAccount, *, actor: BusinessAccount, reason: str) -> LoopLink:
    """The button's action: the acting staff member is the account's manager."""
    return actions.do_unlink_managed_account(account, manager=actor, reason=reason)


def unlinked(link: LoopLink) -> str:
    return _(
        "The %(brand)s account @%(handle)s is no longer linked to %(account)s. The account holder has been notified."
    ) % {"brand": platform_settings.BRAND, "handle": link.username, "account": link.account.name}


def manager_of(request: HttpRequest) -> BusinessAccount:
    """The signed-in account manager (the console's pages are for them only)."""
    manager = request.user
    assert isinstance(manager, BusinessAccount)
    return manager


# **Unlink Loop account** for a managed account: ends the link with the manager's reason.
UNLINK = Button("unlink", ReasonForm, unlink_managed, done=unlinked)


class ManagerConsole(Console):
    section = "managed"

    def allowed(self, user: Any) -> bool:
        return is_account_manager(user)

    def managed_accounts(self, request: HttpRequest) -> HttpResponse:
        accounts = BusinessAccount.objects.filter(account_manager=manager_of(request)).select_related("loop_link")
        return self.render(request, "staff_managed", {"accounts": accounts.order_by("display_name", "email", "pk")})

    def managed_account(self, request: HttpRequest, account_id: int) -> HttpResponse:
        return self._account_page(request, self._managed(request, account_id), {})

    def unlink(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._managed(request, account_id)
        return self.press(
            request,
            UNLINK,
            account,
            page_url=self.url("staff_managed_account", account.pk),
            show_again=lambda refused: self._account_page(request, account, refused),
        )

    def _managed(self, request: HttpRequest, account_id: int) -> BusinessAccount:
        """One of the manager's own accounts; any other account answers 404."""
        account = get_object_or_404(BusinessAccount, pk=account_id)
        try:
            actions.check_manages(manager_of(request), account)
        except CodedError as error:
            raise Http404 from error
        return account

    def _account_page(
        self, request: HttpRequest, account: BusinessAccount, refused: dict[str, ConsoleForm]
    ) -> HttpResponse:
        context = {
            "account": account,
            "language_name": language_name(account.language),
            "link": LoopLink.objects.filter(account=account).first(),
            **self.button_forms(request, account, [UNLINK]),
            **refused,
        }
        return self.render(request, "staff_managed_account", context)

    def urls(self) -> list[URLPattern]:
        page = self.staff_page
        return [
            path("staff/managed/", page(require_GET(self.managed_accounts)), name="staff_managed"),
            path(
                "staff/managed/<int:account_id>/",
                page(require_GET(self.managed_account)),
                name="staff_managed_account",
            ),
            path(
                "staff/managed/<int:account_id>/unlink/", page(require_POST(self.unlink)), name="staff_managed_unlink"
            ),
        ]


console = ManagerConsole()
