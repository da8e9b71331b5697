"""Loop's support console (DESIGN §4.6, §8; issue 5): find an account and see everything about it,
suspend or restore it, and decide support cases (appeals and "can't log in" requests).

The pages are ``kit.support.agent_console``'s; this module says how Loop's accounts are found and
shown and which actions the buttons call.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.consumer.oauth.actions import scope_descriptions
from accountlink.consumer.oauth.models import AppPermission, ClientOpenId
from accountlink.consumer.webhooks.models import WebhookDelivery
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.agent_console import SupportConsole, is_appeal, is_recovery
from accountlink.kit.support.console import Button
from accountlink.kit.support.console_forms import EvidenceForm, ReasonForm
from accountlink.kit.support.models import SupportCase

from . import actions
from .forms import ApproveRecoveryForm, SearchForm, SuspendForm
from .search import search_accounts

OPEN_CASES_SHOWN = 100
DELIVERIES_SHOWN = 50


def ids(name: str) -> dict[str, str]:
    """The HTML ids of a button's form fields: ``<button>_<field>``, so that two forms on a page never clash."""
    return {"auto_id": f"{name}_%s"}


def declined(case: SupportCase) -> str:
    if is_appeal(case):
        return str(_("The suspension is kept and the requester was told."))
    return str(_("The case is declined and the requester was told."))


class LoopSupportConsole(SupportConsole):
    search_form = SearchForm
    account_buttons = (
        Button(
            "suspend",
            SuspendForm,
            actions.do_suspend_from_console,
            done=_("The account is suspended. Its holder was logged out and told."),
            form_options=ids("suspend"),
        ),
        Button(
            "restore",
            ReasonForm,
            actions.do_restore_from_console,
            done=_("The account is restored. Its holder was told."),
            form_options=ids("restore"),
        ),
    )
    case_buttons = (
        Button(
            "evidence",
            EvidenceForm,
            support_actions.do_record_evidence,
            done=_("The evidence is recorded."),
            form_options=ids("evidence"),
        ),
        Button(
            "restore",
            ReasonForm,
            actions.do_grant_appeal,
            done=_("The account is restored and the requester was told."),
            form_options=ids("restore"),
            only_for=is_appeal,
        ),
        Button(
            "approve",
            ApproveRecoveryForm,
            actions.do_send_recovery_link,
            done=_("The recovery link was sent to the requester."),
            form_options=ids("approve"),
            only_for=is_recovery,
        ),
        Button("decline", ReasonForm, support_actions.do_decline_case, done=declined, form_options=ids("decline")),
    )

    def accounts(self) -> QuerySet[LoopAccount]:
        return LoopAccount.objects.all()

    def find_accounts(self, query: str, language: str) -> list[LoopAccount]:
        return search_accounts(query, language)

    def list_open_cases(self, request: HttpRequest, cases: QuerySet[SupportCase]) -> dict[str, Any]:
        return {"open_cases": cases[:OPEN_CASES_SHOWN], "open_case_count": cases.count()}

    def account_details(self, account: LoopAccount) -> dict[str, Any]:
        permissions = AppPermission.objects.filter(account=account).select_related("client")
        open_ids = ClientOpenId.objects.filter(account=account).values("value")
        deliveries = WebhookDelivery.objects.filter(user_openid__in=open_ids).select_related("client", "call")
        return {
            "apps": [
                {"permission": permission, "scope_descriptions": scope_descriptions(permission.scopes)}
                for permission in permissions
            ],
            "deliveries": deliveries[:DELIVERIES_SHOWN],
            "can_suspend": actions.can_suspend(account),
            "can_restore": actions.can_restore(account),
        }

    def case_details(self, case: SupportCase) -> dict[str, Any]:
        return {"is_appeal": is_appeal(case), "can_restore": actions.can_restore(case.account)}


console = LoopSupportConsole()
