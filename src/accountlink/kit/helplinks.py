"""Which help-center section explains each error (DESIGN §6: "where one exists, a link to the help
article that explains it").

The help center runs on Loop for Business (``accountlink.helpcenter``); Loop links to it by its
absolute address. The link carries the reader's language (``?lang=``), so a person who saw the error
in Japanese on Loop reads the explanation in Japanese on Loop for Business. A test checks every
section named here exists, so an article and this table cannot drift apart.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import get_language

from .errors import ErrorCode

TROUBLESHOOTING = "linking-errors"
CANT_LOG_IN = "cant-log-in"


def _own_section(code: ErrorCode) -> tuple[str, str]:
    """The troubleshooting article has one section per code, named after it."""
    return TROUBLESHOOTING, code.value.replace(".", "-").replace("_", "-")


HELP_SECTIONS: dict[ErrorCode, tuple[str, str]] = {
    **{code: _own_section(code) for code in ErrorCode if code.value.startswith(("link.", "unlink.", "code."))},
    ErrorCode.LOGIN_INVALID_CREDENTIALS: (CANT_LOG_IN, "login-invalid-credentials"),
    ErrorCode.LOGIN_SUSPENDED: (CANT_LOG_IN, "login-suspended"),
    ErrorCode.AUTH_THROTTLED: (CANT_LOG_IN, "too-many-attempts"),
    ErrorCode.RECOVERY_LINK_INVALID: (CANT_LOG_IN, "recovery-link-problems"),
    ErrorCode.RECOVERY_LINK_EXPIRED: (CANT_LOG_IN, "recovery-link-problems"),
    ErrorCode.RECOVERY_LINK_USED: (CANT_LOG_IN, "recovery-link-problems"),
    ErrorCode.SUPPORT_PROOF_NOT_LINKED: (CANT_LOG_IN, "no-email-or-phone"),
    ErrorCode.ACCOUNT_TYPE_LINKED: ("loop-account-types", "account-type-linked"),
}


def help_url(code: str | ErrorCode, *, absolute: bool = False) -> str:
    """The address of the section that explains ``code`` in the current language, or "" if none does."""
    try:
        section = HELP_SECTIONS.get(ErrorCode(code))
    except ValueError:
        return ""
    if section is None:
        return ""
    return article_url(*section, absolute=absolute)


def article_url(slug: str, anchor: str = "", *, absolute: bool = False) -> str:
    """The address of a help-center article (and section) in the current language."""
    base = str(settings.ACCOUNTLINK_HELP_URL)
    if absolute and base.startswith("/"):
        base = str(settings.ACCOUNTLINK_SITE_URL).rstrip("/") + base
    query = urlencode({"lang": get_language() or settings.LANGUAGE_CODE})
    return f"{base.rstrip('/')}/{slug}/?{query}" + (f"#{anchor}" if anchor else "")
