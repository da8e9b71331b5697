"""Links to the help center (DESIGN §6: an error links, "where one exists, to the help article that
explains it").

Every error code is a help topic. Which section explains a topic is the help content's business
(``ACCOUNTLINK_HELP_SECTIONS`` names its table), so the kit knows no article. The help center runs
on Loop for Business (``ACCOUNTLINK_HELP_URL``); Loop links to it by its absolute address. The link
carries the reader's language (``?lang=``), so a person who saw the error in Japanese on Loop reads
the explanation in Japanese on Loop for Business.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import get_language

from .conf import platform_settings


def help_url(topic: str, *, absolute: bool = False) -> str:
    """The address of the section that explains ``topic`` (an error code) in the current language,
    or "" if none does."""
    section = platform_settings.HELP_SECTIONS.get(str(topic))
    if section is None:
        return ""
    return article_url(*section, absolute=absolute)


def article_url(slug: str, anchor: str = "", *, absolute: bool = False) -> str:
    """The address of a help-center article (and section) in the current language."""
    base = platform_settings.HELP_URL
    if absolute and base.startswith("/"):
        base = platform_settings.SITE_URL + base
    query = urlencode({"lang": get_language() or settings.LANGUAGE_CODE})
    return f"{base.rstrip('/')}/{slug}/?{query}" + (f"#{anchor}" if anchor else "")
