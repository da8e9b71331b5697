"""What every staff console is made of (DESIGN §4.6, §8): Loop's support console, and on Loop for
Business the support console and the account managers' console.

A console is a set of pages for one staff role (``kit.staff``: others get 403, anonymous visitors
the login page). Pages are read with GET. A page about one thing (an account, a case) offers
buttons: each :class:`Button` is a form, posted with its CSRF token, that calls one action with the
acting staff member. Every button takes the same step, :meth:`Console.press`:

- done: the console says so at the top of the page, shown again by a redirect;
- refused because of what was typed (a coded error, DESIGN §6): the page again, with the form as
  typed and the refusal on its field;
- refused because of how things now are (decided meanwhile, in another tab): the page shown
  afresh, where what no longer applies is gone, with the refusal at the top;
- refused because it is not this staff member's to see: 404, as for a page that is not there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise

from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.forms import add_coded_error
from accountlink.kit.staff import staff_only
from accountlink.kit.views import language_of

from .console_forms import ConsoleForm

# The field a refusal is about, when the form has it; any other refusal is shown above the fields.
ERROR_FIELDS = {
    ErrorCode.SUPPORT_REASON_REQUIRED: ("reason", "evidence"),
    ErrorCode.SUPPORT_NO_ACCOUNT: ("account",),
}
# Refusals about how things now are rather than what was typed.
STATE_ERRORS = {ErrorCode.SUPPORT_CASE_CLOSED, ErrorCode.REQUEST_INVALID, ErrorCode.UNLINK_NOT_LINKED}
# Refusals that mean "not yours": object-level authorization (DESIGN §8) answers as if nothing were there.
NOT_FOUND_ERRORS = {ErrorCode.NOT_FOUND}


@dataclass(frozen=True)
class Button:
    """A change a console page offers, e.g. **Decline** on a case.

    ``name`` names it in the page's template (its form is ``<name>_form``) and, for the pages of
    ``kit.support.agent_console``, in its address (``…/<name>/``, URL name ``<page>_<name>``).
    """

    name: str
    form: type[ConsoleForm]
    # Called as ``action(what the page is about, actor=the staff member, **the form's cleaned data)``:
    # the form's fields are the action's keyword arguments, e.g. ``do_decline_case(case, actor=, reason=)``.
    action: Callable[..., Any]
    # What the console says when it is done: a text, or one made from what the action returned.
    done: str | Promise | Callable[[Any], str]
    # How the form's fields are named in the page's HTML (``prefix`` or ``auto_id``).
    form_options: Mapping[str, str] = field(default_factory=dict)
    # Which things it is for (e.g. only appeals); on others its address answers 404.
    only_for: Callable[[Any], bool] | None = None

    def offered_for(self, subject: Any) -> bool:
        return self.only_for is None or self.only_for(subject)

    def make_form(self, request: HttpRequest, subject: Any, data: Any = None) -> ConsoleForm:
        return self.form(data, subject=subject, language=language_of(request), **self.form_options)

    def done_message(self, result: Any) -> str:
        return str(self.done) if isinstance(self.done, (str, Promise)) else self.done(result)


def language_name(code: str) -> str:
    """A requester's or holder's language, by name, in the staff member's language."""
    return str(dict(settings.LANGUAGES).get(code, code))


class Console:
    """One staff console: a subclass says which role may open it and what its pages and buttons
    are. Its pages are the platform's templates (``<ACCOUNTLINK_TEMPLATE_DIR>/<page>.html``) and
    its addresses are named in the platform's URL namespace (``ACCOUNTLINK_URL_NAMESPACE``)."""

    section = ""  # the part of the staff menu its pages are in (the menu marks it as current)

    def allowed(self, user: Any) -> bool:
        """Whether ``user``'s role may open this console."""
        raise NotImplementedError

    def staff_page(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        """``view`` as a page of this console: only for its role, in a staff session."""
        return staff_only(self.allowed)(view)

    def render(self, request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
        template_name = f"{platform_settings.TEMPLATE_DIR}/{template}.html"
        return render(request, template_name, {"staff_section": self.section, **context})

    def url(self, name: str, *args: Any) -> str:
        """The address of the platform's page ``name`` (a URL name without its namespace)."""
        return reverse(f"{platform_settings.URL_NAMESPACE}:{name}", args=args)

    def button_forms(self, request: HttpRequest, subject: Any, buttons: Sequence[Button]) -> dict[str, ConsoleForm]:
        """The empty forms of the buttons a page about ``subject`` offers, by their names in the template."""
        return {
            f"{button.name}_form": button.make_form(request, subject)
            for button in buttons
            if button.offered_for(subject)
        }

    def press(
        self,
        request: HttpRequest,
        button: Button,
        subject: Any,
        *,
        page_url: str,
        show_again: Callable[[dict[str, ConsoleForm]], HttpResponse],
    ) -> HttpResponse:
        """The one step of every button (see the module's docstring). ``page_url`` is the page the
        button is on; ``show_again`` shows that page with the form as typed."""
        if not button.offered_for(subject):
            raise Http404
        form = button.make_form(request, subject, request.POST)
        if form.is_valid():
            try:
                result = button.action(subject, actor=request.user, **form.cleaned_data)
            except CodedError as error:
                if error.code in NOT_FOUND_ERRORS:
                    raise Http404 from error
                if error.code in STATE_ERRORS:
                    messages.error(request, error.message, extra_tags=error.code.value)
                    return redirect(page_url)
                fields = ERROR_FIELDS.get(error.code, ())
                add_coded_error(form, error, next((name for name in fields if name in form.fields), None))
            else:
                messages.success(request, button.done_message(result))
                return redirect(page_url)
        return show_again({f"{button.name}_form": form})
