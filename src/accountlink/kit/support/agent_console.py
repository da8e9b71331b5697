"""The support agents' console both platforms have (DESIGN §4.6, §8; issue 5): find an account and see
what support needs about it, the open support cases, and one case with the buttons that decide it.

The pages are written here once. A platform's :class:`SupportConsole` says how its accounts are
found and shown, and which buttons its account and case pages offer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from accountlink.kit.audit.models import AuditEvent
from accountlink.kit.staff import is_support_agent
from accountlink.kit.views import language_of

from .console import Button, Console, language_name
from .console_forms import ConsoleForm, SearchForm
from .models import CaseKind, CaseStatus, SupportCase

EVENTS_SHOWN = 50


def is_appeal(case: SupportCase) -> bool:
    return case.kind == CaseKind.APPEAL


def is_recovery(case: SupportCase) -> bool:
    return case.kind == CaseKind.RECOVERY


class SupportConsole(Console):
    """One platform's support console. A subclass sets ``search_form`` and the buttons, and says
    how accounts are found and shown (the methods under "What each platform says")."""

    section = "support"
    search_form: type[SearchForm]
    account_buttons: Sequence[Button] = ()
    case_buttons: Sequence[Button] = ()

    def allowed(self, user: Any) -> bool:
        return is_support_agent(user)

    # What each platform says

    def accounts(self) -> QuerySet[Any]:
        """The platform's accounts, as its account page reads them."""
        raise NotImplementedError

    def find_accounts(self, query: str, language: str) -> Iterable[Any]:
        """The accounts the agent's search names, best matches first."""
        raise NotImplementedError

    def list_open_cases(self, request: HttpRequest, cases: QuerySet[SupportCase]) -> dict[str, Any]:
        """How the home page lists the open cases (``cases``, newest first)."""
        raise NotImplementedError

    def account_details(self, account: Any) -> dict[str, Any]:
        """What the account page shows about ``account`` beyond its cases and security activity."""
        return {}

    def case_details(self, case: SupportCase) -> dict[str, Any]:
        """What the case page shows about ``case`` beyond the case and its account."""
        return {}

    # The pages

    def home(self, request: HttpRequest) -> HttpResponse:
        """Find an account; the open support cases, newest first."""
        form = self.search_form(request.GET if "q" in request.GET else None)
        query = form.cleaned_data["q"].strip() if form.is_valid() else ""
        results = list(self.find_accounts(query, language_of(request))) if query else None
        cases = SupportCase.objects.filter(status=CaseStatus.OPEN).select_related("account")
        context = {"form": form, "query": query, "results": results, **self.list_open_cases(request, cases)}
        return self.render(request, "staff_home", context)

    def account(self, request: HttpRequest, account_id: int) -> HttpResponse:
        return self._account_page(request, get_object_or_404(self.accounts(), pk=account_id), {})

    def press_account_button(self, request: HttpRequest, account_id: int, button: Button) -> HttpResponse:
        account = get_object_or_404(self.accounts(), pk=account_id)
        return self.press(
            request,
            button,
            account,
            page_url=self.url("staff_account", account.pk),
            show_again=lambda refused: self._account_page(request, account, refused),
        )

    def _account_page(self, request: HttpRequest, account: Any, refused: dict[str, ConsoleForm]) -> HttpResponse:
        events = AuditEvent.objects.filter(account=account).select_related("actor")
        context = {
            "account": account,
            "cases": SupportCase.objects.filter(account=account),
            "events": events[:EVENTS_SHOWN],
            **self.account_details(account),
            **self.button_forms(request, account, self.account_buttons),
            **refused,
        }
        return self.render(request, "staff_account", context)

    def case(self, request: HttpRequest, case_id: int) -> HttpResponse:
        return self._case_page(request, self._case(case_id), {})

    def press_case_button(self, request: HttpRequest, case_id: int, button: Button) -> HttpResponse:
        case = self._case(case_id)
        return self.press(
            request,
            button,
            case,
            page_url=self.url("staff_case", case.pk),
            show_again=lambda refused: self._case_page(request, case, refused),
        )

    def _case(self, case_id: int) -> SupportCase:
        return get_object_or_404(SupportCase.objects.select_related("account", "decided_by"), pk=case_id)

    def _case_page(self, request: HttpRequest, case: SupportCase, refused: dict[str, ConsoleForm]) -> HttpResponse:
        """The case; while it is open, the forms of its buttons (``refused`` ones keep what was typed)."""
        context = {
            "case": case,
            "account": case.account,
            "language_name": language_name(case.language),
            **self.case_details(case),
        }
        if case.is_open:
            context.update(self.button_forms(request, case, self.case_buttons), **refused)
        return self.render(request, "staff_case", context)

    def urls(self) -> list[URLPattern]:
        """The addresses of the pages and of each button (``<page address><button>/``, named
        ``<page>_<button>``), inside the platform's namespace."""
        page = self.staff_page
        press_account = page(require_POST(self.press_account_button))
        press_case = page(require_POST(self.press_case_button))
        return [
            path("staff/", page(require_GET(self.home)), name="staff_home"),
            path("staff/accounts/<int:account_id>/", page(require_GET(self.account)), name="staff_account"),
            *[
                path(
                    f"staff/accounts/<int:account_id>/{button.name}/",
                    press_account,
                    {"button": button},
                    name=f"staff_account_{button.name}",
                )
                for button in self.account_buttons
            ],
            path("staff/cases/<int:case_id>/", page(require_GET(self.case)), name="staff_case"),
            *[
                path(
                    f"staff/cases/<int:case_id>/{button.name}/",
                    press_case,
                    {"button": button},
                    name=f"staff_case_{button.name}",
                )
                for button in self.case_buttons
            ],
        ]
