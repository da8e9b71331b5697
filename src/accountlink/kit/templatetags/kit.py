from __future__ import annotations

from typing import Any

from django import forms, template

from accountlink.kit.helplinks import help_url

register = template.Library()


@register.filter
def coded_errors(form: forms.Form) -> list[tuple[str, str]]:
    """The form's non-field errors as (message, code) pairs, so pages can expose the code."""
    pairs = []
    for error in form.non_field_errors().as_data():
        for message in error.messages:
            pairs.append((message, error.code or ""))
    return pairs


@register.filter
def field_error_code(field: forms.BoundField) -> str:
    data: Any = field.form.errors.as_data().get(field.name, [])
    return str(data[0].code or "") if data else ""


@register.inclusion_tag("kit/_help_link.html")
def help_link(code: str) -> dict[str, str]:
    """One click from an error to the help-center section that explains it ("Learn more about this")."""
    return {"url": help_url(code) if code else "", "code": code}
