"""The Loop for Business support console (DESIGN §4.6, §8; issue 5): support agents (``/staff/``)
find accounts, see everything about one (its link, revocations at Loop, notices from Loop,
security activity) and decide support cases.

The pages are ``kit.support.agent_console``'s; this module says how business accounts are found and
shown, which actions the case buttons call, and adds the pages of one revocation at Loop.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.support_pages import support_pages
from accountlink.business.webhooks_in.models import Outcome, ReceivedNotice
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.agent_console import SupportConsole, is_recovery
from accountlink.kit.support.console import Button, language_name
from accountlink.kit.support.console_forms import EvidenceForm, ReasonForm
from accountlink.kit.support.models import SupportCase

from .forms import ApproveRecoveryForm, SearchForm
from .search import find_accounts

CASES_PER_PAGE = 50
LOOP_HISTORY_LIMIT = 50

# ``content.reason`` of Loop's authorization.removed notices (DESIGN §7).
NOTICE_REASONS = {
    0: gettext_lazy("Unknown"),
    1: gettext_lazy("The holder removed access in the app"),
    2: gettext_lazy("Account deleted"),
    3: gettext_lazy("Age changed"),
    4: gettext_lazy("Account banned"),
    5: gettext_lazy("Revoked by this platform"),
}
NOTICE_OUTCOMES = {
    Outcome.ENDED.value: gettext_lazy("Ended the link"),
    Outcome.NOT_LINKED.value: gettext_lazy("No link to end"),
    Outcome.STALE.value: gettext_lazy("Older than the link, so ignored"),
    Outcome.IGNORED.value: gettext_lazy("Ignored"),
}
# Why a grant was revoked at Loop (``LoopRevocation.reason``).
REVOCATION_REASONS = {
    "unlinked_by_holder": gettext_lazy("Unlinked by the holder"),
    "unlinked_by_staff": gettext_lazy("Unlinked by staff"),
    "discarded": gettext_lazy("Tokens not kept"),
    "revoked_by_client": gettext_lazy("Revoked by this platform"),
    "unfinished": gettext_lazy("Linking did not finish"),
}


def approved(case: SupportCase) -> str:
    return _("The case is approved. A link to add an email or phone was sent to %(address)s.") % {
        "address": case.reply_to
    }


def declined(case: SupportCase) -> str:
    return _("The case is declined. The reason was sent to %(address)s.") % {"address": case.reply_to}


def known_open_ids(account: BusinessAccount, link: LoopLink | None) -> list[str]:
    """Every open_id the account was ever linked to: its link's, and those its link events recorded."""
    open_ids = set(
        AuditEvent.objects.filter(
            account=account, kind__in=[EventKind.LOOP_LINKED, EventKind.LOOP_UNLINKED], data__has_key="open_id"
        ).values_list("data__open_id", flat=True)
    )
    if link is not None:
        open_ids.add(link.open_id)
    return sorted(str(open_id) for open_id in open_ids if open_id)


class BusinessSupportConsole(SupportConsole):
    search_form = SearchForm
    case_buttons = (
        Button(
            "evidence",
            EvidenceForm,
            support_actions.do_record_evidence,
            done=gettext_lazy("The evidence was recorded."),
        ),
        Button(
            "approve",
            ApproveRecoveryForm,
            partial(support_actions.do_approve_recovery, link_url=support_pages.recovery_link_url),
            done=approved,
            form_options={"prefix": "approve"},
            only_for=is_recovery,
        ),
        Button(
            "decline", ReasonForm, support_actions.do_decline_case, done=declined, form_options={"prefix": "decline"}
        ),
    )

    def accounts(self) -> QuerySet[BusinessAccount]:
        return BusinessAccount.objects.select_related("account_manager")

    def find_accounts(self, query: str, language: str) -> QuerySet[BusinessAccount]:
        return find_accounts(query, language)

    def list_open_cases(self, request: HttpRequest, cases: QuerySet[SupportCase]) -> dict[str, Any]:
        return {"page": Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))}

    def account_details(self, account: BusinessAccount) -> dict[str, Any]:
        link = LoopLink.objects.filter(account=account).first()
        open_ids = known_open_ids(account, link)
        revocations = (
            LoopRevocation.objects.filter(open_id__in=open_ids).select_related("call").order_by("-created_at", "-id")
        )
        notices = ReceivedNotice.objects.filter(open_id__in=open_ids)
        return {
            "language_name": language_name(account.language),
            "link": link,
            "scopes": link.scopes.split(",") if link is not None else [],
            "revocations": [
                (revocation, REVOCATION_REASONS.get(revocation.reason, revocation.reason))
                for revocation in revocations[:LOOP_HISTORY_LIMIT]
            ],
            "notices": [
                (
                    notice,
                    NOTICE_REASONS.get(notice.reason, "") if notice.reason is not None else "",
                    NOTICE_OUTCOMES.get(notice.outcome, notice.outcome),
                )
                for notice in notices[:LOOP_HISTORY_LIMIT]
            ],
        }

    # One revocation at Loop

    def _revocation(self, account_id: int, revocation_id: int) -> tuple[BusinessAccount, LoopRevocation]:
        """A revocation of this account's grants (one of the open_ids it was linked to), else 404."""
        account = get_object_or_404(BusinessAccount, pk=account_id)
        open_ids = known_open_ids(account, LoopLink.objects.filter(account=account).first())
        revocations = LoopRevocation.objects.select_related("call")
        return account, get_object_or_404(revocations, pk=revocation_id, open_id__in=open_ids)

    def revocation(self, request: HttpRequest, account_id: int, revocation_id: int) -> HttpResponse:
        """One revocation at Loop: its call's status and every attempt (kit.outbound), and **Replay**."""
        account, revocation = self._revocation(account_id, revocation_id)
        context = {
            "account": account,
            "revocation": revocation,
            "why": REVOCATION_REASONS.get(revocation.reason, revocation.reason),
            "attempts": revocation.call.attempt_log.all(),
        }
        return self.render(request, "staff_revocation", context)

    def replay_revocation(self, request: HttpRequest, account_id: int, revocation_id: int) -> HttpResponse:
        account, revocation = self._revocation(account_id, revocation_id)
        outbound.do_replay_call(revocation.call, actor=request.user, account=account, revocation=revocation.pk)
        messages.success(request, _("The revocation was queued to be sent again."))
        return redirect(self.url("staff_revocation", account.pk, revocation.pk))

    def urls(self) -> list[URLPattern]:
        revocation = "staff/accounts/<int:account_id>/revocations/<int:revocation_id>/"
        return [
            *super().urls(),
            path(revocation, self.staff_page(require_GET(self.revocation)), name="staff_revocation"),
            path(
                f"{revocation}replay/",
                self.staff_page(require_POST(self.replay_revocation)),
                name="staff_revocation_replay",
            ),
        ]


console = BusinessSupportConsole()
