"""Loop's support console (DESIGN §4.6, §8; issue 5): find an account and see everything about it,
suspend or restore it, and decide support cases (appeals and "can't log in" requests).

Support agents only (``kit.staff``): others get 403, anonymous visitors the login page. Pages are
read with GET; every change is a POST with its CSRF token that calls an action with the acting
agent and a reason. A refused change shows its coded error on the page, with the form as typed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.consumer.oauth.actions import scope_descriptions
from accountlink.consumer.oauth.models import AppPermission, ClientOpenId
from accountlink.consumer.webhooks.models import WebhookDelivery
from accountlink.kit.audit.models import AuditEvent
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.forms import add_coded_error
from accountlink.kit.staff import is_support_agent, staff_only
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.models import CaseKind, CaseStatus, SupportCase
from accountlink.kit.views import language_of

from . import actions
from .forms import (
    ApproveRecoveryForm,
    EvidenceForm,
    ReasonForm,
    SearchForm,
    SuspendForm,
    account_identifier,
)
from .search import search_accounts

OPEN_CASES_SHOWN = 100
EVENTS_SHOWN = 50
DELIVERIES_SHOWN = 50

staff = staff_only(is_support_agent)


def _agent(request: HttpRequest) -> LoopAccount:
    user = request.user
    assert isinstance(user, LoopAccount)
    return user


# The field a refusal is about; any other refusal is shown above the form's fields.
ERROR_FIELDS = {
    ErrorCode.SUPPORT_REASON_REQUIRED: ("reason", "evidence"),
    ErrorCode.SUPPORT_NO_ACCOUNT: ("account",),
}


# Refusals about the state of the case or account rather than what was typed: the page is shown
# again as it now is (the form may no longer be offered), with the refusal at the top.
STATE_ERRORS = {ErrorCode.SUPPORT_CASE_CLOSED, ErrorCode.REQUEST_INVALID}


def _refuse(form: forms.Form, error: CodedError) -> None:
    field = next((name for name in ERROR_FIELDS.get(error.code, ()) if name in form.fields), None)
    add_coded_error(form, error, field)


def _refused_by_state(request: HttpRequest, error: CodedError, to: str, pk: int) -> HttpResponse:
    messages.error(request, error.message, extra_tags=error.code.value)
    return redirect(to, pk)


# -- home: search and open cases -------------------------------------------------------------------


@staff
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = search_accounts(query, language_of(request)) if query else None
    open_cases = SupportCase.objects.filter(status=CaseStatus.OPEN).select_related("account")
    return render(
        request,
        "loop/staff_home.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "open_cases": open_cases[:OPEN_CASES_SHOWN],
            "open_case_count": open_cases.count(),
        },
    )


# -- one account ---------------------------------------------------------------------------------


def _account_page(
    request: HttpRequest,
    account: LoopAccount,
    *,
    suspend_form: SuspendForm | None = None,
    restore_form: ReasonForm | None = None,
) -> HttpResponse:
    permissions = AppPermission.objects.filter(account=account).select_related("client")
    open_ids = ClientOpenId.objects.filter(account=account).values("value")
    deliveries = WebhookDelivery.objects.filter(user_openid__in=open_ids).select_related("client", "call")
    events = AuditEvent.objects.filter(account=account).select_related("actor")
    return render(
        request,
        "loop/staff_account.html",
        {
            "account": account,
            "apps": [
                {"permission": permission, "scope_descriptions": scope_descriptions(permission.scopes)}
                for permission in permissions
            ],
            "events": events[:EVENTS_SHOWN],
            "deliveries": deliveries[:DELIVERIES_SHOWN],
            "cases": SupportCase.objects.filter(account=account),
            "can_suspend": actions.can_suspend(account),
            "can_restore": actions.can_restore(account),
            "suspend_form": suspend_form or SuspendForm(auto_id="suspend_%s"),
            "restore_form": restore_form or ReasonForm(auto_id="restore_%s"),
        },
    )


@staff
@require_GET
def staff_account(request: HttpRequest, account_id: int) -> HttpResponse:
    return _account_page(request, get_object_or_404(LoopAccount, pk=account_id))


@staff
@require_POST
def suspend_account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(LoopAccount, pk=account_id)
    form = SuspendForm(request.POST, auto_id="suspend_%s")
    if form.is_valid():
        try:
            actions.do_suspend_from_console(account, actor=_agent(request), reason=form.cleaned_data["reason"])
        except CodedError as error:
            if error.code in STATE_ERRORS:
                return _refused_by_state(request, error, "loop:staff_account", account.pk)
            _refuse(form, error)
        else:
            messages.success(request, _("The account is suspended. Its holder was logged out and told."))
            return redirect("loop:staff_account", account.pk)
    return _account_page(request, account, suspend_form=form)


@staff
@require_POST
def restore_account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(LoopAccount, pk=account_id)
    form = ReasonForm(request.POST, auto_id="restore_%s")
    if form.is_valid():
        try:
            actions.do_restore_from_console(account, actor=_agent(request), reason=form.cleaned_data["reason"])
        except CodedError as error:
            if error.code in STATE_ERRORS:
                return _refused_by_state(request, error, "loop:staff_account", account.pk)
            _refuse(form, error)
        else:
            messages.success(request, _("The account is restored. Its holder was told."))
            return redirect("loop:staff_account", account.pk)
    return _account_page(request, account, restore_form=form)


# -- one case ------------------------------------------------------------------------------------


def _case_page(request: HttpRequest, case: SupportCase, **bound: forms.Form) -> HttpResponse:
    account = case.account
    page_forms: dict[str, forms.Form] = {
        "evidence_form": EvidenceForm(auto_id="evidence_%s"),
        "decline_form": ReasonForm(auto_id="decline_%s"),
    }
    if case.kind == CaseKind.APPEAL:
        page_forms["restore_form"] = ReasonForm(auto_id="restore_%s")
    else:
        page_forms["approve_form"] = ApproveRecoveryForm(
            auto_id="approve_%s", initial={"account": account_identifier(account)}, language=language_of(request)
        )
    page_forms.update(bound)
    return render(
        request,
        "loop/staff_case.html",
        {
            "case": case,
            "account": account,
            "is_appeal": case.kind == CaseKind.APPEAL,
            "can_restore": actions.can_restore(account),
            **page_forms,
        },
    )


def _get_case(case_id: int, kind: CaseKind | None = None) -> SupportCase:
    """The case; a form that belongs to the other kind of case answers 404, as an unknown case does."""
    cases = SupportCase.objects.select_related("account", "decided_by")
    return get_object_or_404(cases.filter(kind=kind) if kind else cases, pk=case_id)


@staff
@require_GET
def staff_case(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, _get_case(case_id))


@staff
@require_POST
def record_evidence(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case(case_id)
    form = EvidenceForm(request.POST, auto_id="evidence_%s")
    if form.is_valid():
        try:
            support_actions.do_record_evidence(case, actor=_agent(request), evidence=form.cleaned_data["evidence"])
        except CodedError as error:
            if error.code in STATE_ERRORS:
                return _refused_by_state(request, error, "loop:staff_case", case.pk)
            _refuse(form, error)
        else:
            messages.success(request, _("The evidence is recorded."))
            return redirect("loop:staff_case", case.pk)
    return _case_page(request, case, evidence_form=form)


@staff
@require_POST
def grant_appeal(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case(case_id, CaseKind.APPEAL)
    form = ReasonForm(request.POST, auto_id="restore_%s")
    if form.is_valid():
        try:
            actions.do_grant_appeal(case, actor=_agent(request), reason=form.cleaned_data["reason"])
        except CodedError as error:
            if error.code in STATE_ERRORS:
                return _refused_by_state(request, error, "loop:staff_case", case.pk)
            _refuse(form, error)
        else:
            messages.success(request, _("The account is restored and the requester was told."))
            return redirect("loop:staff_case", case.pk)
    return _case_page(request, case, restore_form=form)


@staff
@require_POST
def approve_recovery(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case(case_id, CaseKind.RECOVERY)
    form = ApproveRecoveryForm(request.POST, auto_id="approve_%s", language=language_of(request))
    if form.is_valid():
        try:
            actions.do_send_recovery_link(
                case, actor=_agent(request), reason=form.cleaned_data["reason"], account=form.cleaned_data["account"]
            )
        except CodedError as error:
            if error.code in STATE_ERRORS:
                return _refused_by_state(request, error, "loop:staff_case", case.pk)
            _refuse(form, error)
        else:
            messages.success(request, _("The recovery link was sent to the requester."))
            return redirect("loop:staff_case", case.pk)
    return _case_page(request, case, approve_form=form)


@staff
@require_POST
def decline_case(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case(case_id)
    form = ReasonForm(request.POST, auto_id="decline_%s")
    if form.is_valid():
        try:
            support_actions.do_decline_case(case, actor=_agent(request), reason=form.cleaned_data["reason"])
        except CodedError as error:
            if error.code in STATE_ERRORS:
                return _refused_by_state(request, error, "loop:staff_case", case.pk)
            _refuse(form, error)
        else:
            if case.kind == CaseKind.APPEAL:
                messages.success(request, _("The suspension is kept and the requester was told."))
            else:
                messages.success(request, _("The case is declined and the requester was told."))
            return redirect("loop:staff_case", case.pk)
    return _case_page(request, case, decline_form=form)
