"""Which section explains each error (DESIGN §6). Every error code is a help topic; the kit links a
refusal to its section through this table (``ACCOUNTLINK_HELP_SECTIONS`` names it), and a system
check (``checks.py``) makes sure every section named here exists, so an article and this table
cannot drift apart.
"""

from __future__ import annotations

from accountlink.kit.errors import ErrorCode

TROUBLESHOOTING = "linking-errors"
CANT_LOG_IN = "cant-log-in"


def _own_section(code: ErrorCode) -> tuple[str, str]:
    """The troubleshooting article has one section per code, named after it."""
    return TROUBLESHOOTING, code.value.replace(".", "-").replace("_", "-")


HELP_SECTIONS: dict[str, tuple[str, str]] = {
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
