from __future__ import annotations

from django import template

from accountlink.kit.sessions.useragent import describe

register = template.Library()


@register.filter
def device_name(user_agent: str) -> str:
    """``{{ session.user_agent|device_name }}``: "Chrome on Android", in the active language."""
    return describe(user_agent or "")
