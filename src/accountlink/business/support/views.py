"""The Loop for Business staff consoles (DESIGN §4.6, §8; issue 5).

Support agents (``/staff/``) find accounts, see everything about one (its link, revocations at Loop,
notices from Loop, security activity) and decide support cases. Account managers
(``/staff/managed/``) see the accounts they manage and unlink their Loop accounts. Every change goes
through an action that takes the acting staff member and a reason and audits both; a refusal is a
coded error shown on the page, with what was typed kept.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.support_pages import support_pages
from accountlink.business.webhooks_in.models import Outcome, ReceivedNotice
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.forms import add_coded_error
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.staff import is_account_manager, is_support_agent, staff_only
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.models import CaseKind, CaseStatus, SupportCase
from accountlink.kit.views import language_of

from . import actions
from .forms import ApproveRecoveryForm, EvidenceForm, ReasonForm, SearchForm, account_identifier
from .search import find_accounts

CASES_PER_PAGE = 50
ACTIVITY_LIMIT = 50
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


def _staff(request: HttpRequest) -> BusinessAccount:
    user = request.user
    assert isinstance(user, BusinessAccount)
    return user


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _render(request: HttpRequest, template: str, section: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"business/{template}.html", {"staff_section": section, **context})


def _fail(form: Any, error: CodedError, fields: dict[ErrorCode, str]) -> None:
    """Show a refusal on the field it is about, or above the form."""
    add_coded_error(form, error, fields.get(error.code))


def _closed(request: HttpRequest, case: SupportCase, error: CodedError) -> HttpResponse:
    """Decided meanwhile (another agent, another tab): the page now shows the decision and no forms."""
    messages.error(request, error.message, extra_tags=error.code.value)
    return redirect("business:staff_case", case_id=case.pk)


# Support agents: accounts


@staff_only(is_support_agent)
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    """Find an account; the open support cases, newest first."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = list(find_accounts(query, language_of(request))) if query else None
    cases = SupportCase.objects.filter(status=CaseStatus.OPEN).select_related("account")
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return _render(request, "staff_home", "support", {"form": form, "query": query, "results": results, "page": page})


def _known_open_ids(account: BusinessAccount, link: LoopLink | None) -> list[str]:
    """Every open_id the account was ever linked to: its link's, and those its link events recorded."""
    open_ids = set(
        AuditEvent.objects.filter(
            account=account, kind__in=[EventKind.LOOP_LINKED, EventKind.LOOP_UNLINKED], data__has_key="open_id"
        ).values_list("data__open_id", flat=True)
    )
    if link is not None:
        open_ids.add(link.open_id)
    return sorted(str(open_id) for open_id in open_ids if open_id)


@staff_only(is_support_agent)
@require_GET
def staff_account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(BusinessAccount.objects.select_related("account_manager"), pk=account_id)
    link = LoopLink.objects.filter(account=account).first()
    open_ids = _known_open_ids(account, link)
    revocations = (
        LoopRevocation.objects.filter(open_id__in=open_ids).select_related("call").order_by("-created_at", "-id")
    )
    notices = ReceivedNotice.objects.filter(open_id__in=open_ids)
    return _render(
        request,
        "staff_account",
        "support",
        {
            "account": account,
            "language_name": _language_name(account.language),
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
            "cases": SupportCase.objects.filter(account=account),
            "events": AuditEvent.objects.filter(account=account).select_related("actor")[:ACTIVITY_LIMIT],
        },
    )


def _revocation(account_id: int, revocation_id: int) -> tuple[BusinessAccount, LoopRevocation]:
    """A revocation of this account's grants (one of the open_ids it was linked to), else 404."""
    account = get_object_or_404(BusinessAccount, pk=account_id)
    open_ids = _known_open_ids(account, LoopLink.objects.filter(account=account).first())
    revocation = get_object_or_404(
        LoopRevocation.objects.select_related("call"), pk=revocation_id, open_id__in=open_ids
    )
    return account, revocation


@staff_only(is_support_agent)
@require_GET
def staff_revocation(request: HttpRequest, account_id: int, revocation_id: int) -> HttpResponse:
    """One revocation at Loop: its call's status and every attempt (kit.outbound), and **Replay**."""
    account, revocation = _revocation(account_id, revocation_id)
    context = {
        "account": account,
        "revocation": revocation,
        "why": REVOCATION_REASONS.get(revocation.reason, revocation.reason),
        "attempts": revocation.call.attempt_log.all(),
    }
    return _render(request, "staff_revocation", "support", context)


@staff_only(is_support_agent)
@require_POST
def replay_revocation(request: HttpRequest, account_id: int, revocation_id: int) -> HttpResponse:
    account, revocation = _revocation(account_id, revocation_id)
    outbound.do_replay_call(revocation.call, actor=_staff(request), account=account, revocation=revocation.pk)
    messages.success(request, _("The revocation was queued to be sent again."))
    return redirect("business:staff_revocation", account_id=account.pk, revocation_id=revocation.pk)


# Support agents: cases


def _case(case_id: int) -> SupportCase:
    return get_object_or_404(SupportCase.objects.select_related("account", "decided_by"), pk=case_id)


def _case_page(request: HttpRequest, case: SupportCase, **refused: Any) -> HttpResponse:
    """The case; while it is open, its forms (``refused`` ones keep what was typed and show why)."""
    context: dict[str, Any] = {"case": case, "language_name": _language_name(case.language)}
    if case.is_open:
        context["evidence_form"] = EvidenceForm()
        context["decline_form"] = ReasonForm(prefix="decline")
        if case.kind == CaseKind.RECOVERY:
            context["approve_form"] = ApproveRecoveryForm(
                prefix="approve", language=language_of(request), initial={"account": account_identifier(case.account)}
            )
        context.update(refused)
    return _render(request, "staff_case", "support", context)


@staff_only(is_support_agent)
@require_GET
def staff_case(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, _case(case_id))


@staff_only(is_support_agent)
@require_POST
def record_evidence(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            support_actions.do_record_evidence(case, actor=_staff(request), evidence=form.cleaned_data["evidence"])
        except CodedError as error:
            if error.code == ErrorCode.SUPPORT_CASE_CLOSED:
                return _closed(request, case, error)
            _fail(form, error, {ErrorCode.SUPPORT_REASON_REQUIRED: "evidence"})
        else:
            messages.success(request, _("The evidence was recorded."))
            return redirect("business:staff_case", case_id=case.pk)
    return _case_page(request, case, evidence_form=form)


@staff_only(is_support_agent)
@require_POST
def approve_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """**Approve and send link**: the requester gets a single-use link to add an email or phone."""
    case = _case(case_id)
    form = ApproveRecoveryForm(request.POST, prefix="approve", language=language_of(request))
    if form.is_valid():
        try:
            support_actions.do_approve_recovery(
                case,
                actor=_staff(request),
                reason=form.cleaned_data["reason"],
                account=form.cleaned_data["account"],
                link_url=support_pages.recovery_link_url,
            )
        except CodedError as error:
            if error.code == ErrorCode.SUPPORT_CASE_CLOSED:
                return _closed(request, case, error)
            _fail(
                form,
                error,
                {ErrorCode.SUPPORT_REASON_REQUIRED: "reason", ErrorCode.SUPPORT_NO_ACCOUNT: "account"},
            )
        else:
            messages.success(
                request,
                _("The case is approved. A link to add an email or phone was sent to %(address)s.")
                % {"address": case.reply_to},
            )
            return redirect("business:staff_case", case_id=case.pk)
    return _case_page(request, case, approve_form=form)


@staff_only(is_support_agent)
@require_POST
def decline_case(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(case_id)
    form = ReasonForm(request.POST, prefix="decline")
    if form.is_valid():
        try:
            support_actions.do_decline_case(case, actor=_staff(request), reason=form.cleaned_data["reason"])
        except CodedError as error:
            if error.code == ErrorCode.SUPPORT_CASE_CLOSED:
                return _closed(request, case, error)
            _fail(form, error, {ErrorCode.SUPPORT_REASON_REQUIRED: "reason"})
        else:
            messages.success(
                request, _("The case is declined. The reason was sent to %(address)s.") % {"address": case.reply_to}
            )
            return redirect("business:staff_case", case_id=case.pk)
    return _case_page(request, case, decline_form=form)


# Account managers


def _managed(request: HttpRequest, account_id: int) -> BusinessAccount:
    """One of the manager's own accounts; any other account is not there for them (404, not 403)."""
    account = get_object_or_404(BusinessAccount, pk=account_id)
    try:
        actions.check_manages(_staff(request), account)
    except CodedError as error:
        raise Http404 from error
    return account


@staff_only(is_account_manager)
@require_GET
def staff_managed(request: HttpRequest) -> HttpResponse:
    accounts = BusinessAccount.objects.filter(account_manager=_staff(request)).select_related("loop_link")
    return _render(request, "staff_managed", "managed", {"accounts": accounts.order_by("display_name", "email", "pk")})


def _managed_page(request: HttpRequest, account: BusinessAccount, form: ReasonForm | None = None) -> HttpResponse:
    return _render(
        request,
        "staff_managed_account",
        "managed",
        {
            "account": account,
            "language_name": _language_name(account.language),
            "link": LoopLink.objects.filter(account=account).first(),
            "form": form or ReasonForm(),
        },
    )


@staff_only(is_account_manager)
@require_GET
def staff_managed_account(request: HttpRequest, account_id: int) -> HttpResponse:
    return _managed_page(request, _managed(request, account_id))


@staff_only(is_account_manager)
@require_POST
def unlink_managed_account(request: HttpRequest, account_id: int) -> HttpResponse:
    """**Unlink Loop account** for a managed account: ends the link with the manager's reason."""
    account = _managed(request, account_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            link = actions.do_unlink_managed_account(
                account, manager=_staff(request), reason=form.cleaned_data["reason"]
            )
        except CodedError as error:
            if error.code == ErrorCode.NOT_FOUND:
                raise Http404 from error
            if error.code == ErrorCode.UNLINK_NOT_LINKED:
                # Ended meanwhile (another tab, the holder on Loop): the page shows it is not linked.
                messages.error(request, error.message, extra_tags=error.code.value)
                return redirect("business:staff_managed_account", account_id=account.pk)
            _fail(form, error, {ErrorCode.SUPPORT_REASON_REQUIRED: "reason"})
        else:
            messages.success(
                request,
                _(
                    "The %(brand)s account @%(handle)s is no longer linked to %(account)s. "
                    "The account holder has been notified."
                )
                % {"brand": settings.ACCOUNTLINK_BRAND, "handle": link.username, "account": account.name},
            )
            return redirect("business:staff_managed_account", account_id=account.pk)
    return _managed_page(request, account, form)
