"""The public support pages both platforms share (DESIGN §4.6): **Contact support** and the pages
behind a recovery link. Each platform makes one :class:`SupportPages` with its own base templates
and account lookup; the pages call ``kit.support.actions``.

The recovery link carries its token in the address only once: the first page moves it into the
session and redirects to an address without it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accountlink.kit.brand import site_name
from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.flows import end_flow, get_flow, start_flow
from accountlink.kit.forms import CodeForm, add_coded_error
from accountlink.kit.throttle.guard import begin, client_key, guarded_code
from accountlink.kit.views import contact_from_session, contact_to_session, language_of, posted

from . import actions
from .forms import ContactSupportForm, RecoveryContactForm
from .models import CaseKind, SupportCase

# A used or expired link is gone for good; an unknown one was never there.
GONE = {ErrorCode.RECOVERY_LINK_USED, ErrorCode.RECOVERY_LINK_EXPIRED}


@dataclass
class SupportPages:
    base_template: str
    code_template: str
    identifier_label: Any
    find_account: Callable[[str, str], Any]
    # Another proof of ownership offered once a case is open (Loop for Business: Verify with Loop).
    proof_url_name: str | None = None

    def url(self, name: str, *args: Any) -> str:
        """The address of page ``name``, in the platform's URL namespace (``ACCOUNTLINK_URL_NAMESPACE``)."""
        return reverse(f"{platform_settings.URL_NAMESPACE}:{name}", args=args)

    def recovery_link_url(self, token: str) -> str:
        """The absolute address sent in the approval message."""
        return platform_settings.SITE_URL + self.url("recover", token)

    def _render(self, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        shared = {
            "base_template": self.base_template,
            "site_name": site_name(),
            "login_url": self.url("login"),
            "contact_url": self.url("contact_support"),
        }
        return render(request, f"kit/support/{template}.html", {**shared, **context}, status=status)

    # Contact support

    def contact_support(self, request: HttpRequest) -> HttpResponse:
        kind = request.POST.get("kind") or request.GET.get("kind") or CaseKind.RECOVERY
        if kind not in CaseKind.values:
            kind = CaseKind.RECOVERY
        language = language_of(request)
        form = ContactSupportForm(
            posted(request),
            initial={"kind": kind, "identifier": request.GET.get("identifier", "")[:254]},
            identifier_label=self.identifier_label,
            language=language,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            case = actions.do_open_case(
                kind=CaseKind(data["kind"]),
                account=self.find_account(data["identifier"], language),
                identifier=data["identifier"],
                requester_name=data["requester_name"],
                reply_to=data["reply_to"],
                message=data["message"],
                language=language,
                source=hashlib.sha256(client_key(request).value.encode()).hexdigest(),
            )
            start_flow(request, "support_case", case_id=case.pk)
            return redirect(self.url("support_case_sent"))
        return self._render(request, "contact", {"form": form, "kind": kind})

    def case_sent(self, request: HttpRequest) -> HttpResponse:
        try:
            state = get_flow(request, "support_case")
        except CodedError:
            return redirect(self.url("contact_support"))
        case = SupportCase.objects.filter(pk=state["case_id"]).first()
        if case is None:
            return redirect(self.url("contact_support"))
        proof_url = (
            reverse(self.proof_url_name)
            if self.proof_url_name and case.kind == CaseKind.RECOVERY and case.is_open
            else None
        )
        return self._render(request, "case_sent", {"case": case, "proof_url": proof_url})

    # The recovery link

    def recover(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            # Links are unguessable; still, one client may not try them by the thousand.
            attempt = begin("recovery_link", [client_key(request)])
        except CodedError as error:
            return self._problem(request, error)
        try:
            link = actions.check_recovery_link(token)
        except CodedError as error:
            if error.code == ErrorCode.RECOVERY_LINK_INVALID:
                attempt.failed()
            return self._problem(request, error)
        attempt.succeeded()
        start_flow(request, "recovery", link_id=link.pk)
        return redirect(self.url("recover_contact"))

    def _problem(self, request: HttpRequest, error: CodedError) -> HttpResponse:
        end_flow(request, "recovery")
        status = 410 if error.code in GONE else 429 if error.code == ErrorCode.AUTH_THROTTLED else 404
        return self._render(request, "recover_problem", {"error": error}, status=status)

    def _link(self, request: HttpRequest) -> Any:
        state = get_flow(request, "recovery")
        return state, actions.check_recovery_link_id(state.get("link_id"))

    def recover_contact(self, request: HttpRequest) -> HttpResponse:
        try:
            _state, link = self._link(request)
        except CodedError as error:
            return self._problem(request, error)
        form = RecoveryContactForm(posted(request), language=language_of(request))
        if request.method == "POST" and form.is_valid():
            contact = form.cleaned_data["value"]
            try:
                actions.do_send_recovery_code(link, contact)
            except CodedError as error:
                if error.code in GONE:
                    return self._problem(request, error)
                add_coded_error(form, error, "value")
            else:
                start_flow(request, "recovery", link_id=link.pk, contact=contact_to_session(contact))
                return redirect(self.url("recover_verify"))
        return self._render(request, "recover_contact", {"form": form, "link": link})

    def recover_verify(self, request: HttpRequest) -> HttpResponse:
        try:
            state, link = self._link(request)
        except CodedError as error:
            return self._problem(request, error)
        if "contact" not in state:
            return redirect(self.url("recover_contact"))
        contact = contact_from_session(state["contact"])
        form = CodeForm(posted(request))
        if request.method == "POST" and "resend" in request.POST:
            form = CodeForm()
            try:
                actions.do_send_recovery_code(link, contact)
                messages.success(request, _("We sent a new code."))
            except CodedError as error:
                messages.error(request, error.message, extra_tags=error.code.value)
        elif request.method == "POST" and form.is_valid():
            code = form.cleaned_data["code"]
            try:
                guarded_code(
                    request, link.account, contact.value, lambda: actions.do_finish_recovery(link, contact, code)
                )
            except CodedError as error:
                if error.code in GONE:
                    return self._problem(request, error)
                add_coded_error(form, error, "code")
            else:
                end_flow(request, "recovery")
                messages.success(
                    request,
                    _("%(address)s is now on your account. Reset your password to log in again.")
                    % {"address": contact.masked},
                )
                return redirect(self.url("forgot_password"))
        return render(
            request,
            self.code_template,
            {"form": form, "title": _("Enter the verification code"), "sent_to": contact.masked, "allow_resend": True},
        )

    def urls(self) -> list[Any]:
        return [
            path("support/contact/", self.contact_support, name="contact_support"),
            path("support/contact/sent/", self.case_sent, name="support_case_sent"),
            path("support/recover/<str:token>/", self.recover, name="recover"),
            path("support/recover/", self.recover_contact, name="recover_contact"),
            path("support/recover-code/", self.recover_verify, name="recover_verify"),
        ]
