"""Stable error codes with translated messages (DESIGN §6).

Actions raise ``CodedError(ErrorCode.X, **params)``; views turn it into a message on the page or a
4xx JSON body. The code is the contract; the message is for people and is translated. A code is also
the key of its help topic: the help content says which section explains it (``kit.helplinks``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .brand import brand_names
from .helplinks import help_url


class ErrorCode(StrEnum):
    LOGIN_INVALID_CREDENTIALS = "login.invalid_credentials"
    LOGIN_SUSPENDED = "login.suspended"
    CODE_INVALID = "code.invalid"
    CODE_EXPIRED = "code.expired"
    CODE_TOO_MANY_ATTEMPTS = "code.too_many_attempts"
    CODE_RESEND_TOO_SOON = "code.resend_too_soon"
    CODE_RATE_LIMITED = "code.rate_limited"
    SIGNUP_HANDLE_TAKEN = "signup.handle_taken"
    SIGNUP_TOO_YOUNG = "signup.too_young"
    CONTACT_REQUIRED = "contact.required"
    CONTACT_IN_USE = "contact.in_use"
    CONTACT_UNCHANGED = "contact.unchanged"
    PASSWORD_INCORRECT = "password.incorrect"
    REAUTH_REQUIRED = "auth.reauthentication_required"
    REAUTH_WRONG_ACCOUNT = "auth.reauthentication_wrong_account"
    AUTH_THROTTLED = "auth.throttled"
    FLOW_EXPIRED = "flow.expired"
    LINK_ALREADY_LINKED = "link.already_linked"
    LINK_BUSINESS_HAS_LINK = "link.business_has_link"
    LINK_AGE_REQUIREMENT = "link.age_requirement"
    LINK_ACCOUNT_UNAVAILABLE = "link.account_unavailable"
    LINK_CONSENT_DENIED = "link.consent_denied"
    LINK_SESSION_EXPIRED = "link.session_expired"
    LINK_PROVIDER_UNAVAILABLE = "link.provider_unavailable"
    ACCOUNT_TYPE_LINKED = "account.type_linked"
    UNLINK_MANAGED_ACCOUNT = "unlink.managed_account"
    UNLINK_NO_CONTACT = "unlink.no_contact"
    UNLINK_LAST_LOGIN_METHOD = "unlink.last_login_method"
    UNLINK_NOT_LINKED = "unlink.not_linked"
    UNLINK_UNKNOWN_CONTACT = "unlink.unknown_contact"
    WEBHOOK_MALFORMED = "webhook.malformed"
    WEBHOOK_BAD_SIGNATURE = "webhook.bad_signature"
    WEBHOOK_STALE_TIMESTAMP = "webhook.stale_timestamp"
    WEBHOOK_UNKNOWN_CLIENT = "webhook.unknown_client"
    AUTH_REQUIRED = "auth.required"
    REQUEST_INVALID = "request.invalid"
    NOT_FOUND = "request.not_found"
    CSRF_FAILED = "request.csrf_failed"
    SUPPORT_REASON_REQUIRED = "support.reason_required"
    SUPPORT_EVIDENCE_REQUIRED = "support.evidence_required"
    SUPPORT_CASE_CLOSED = "support.case_closed"
    SUPPORT_NO_ACCOUNT = "support.no_account"
    SUPPORT_PROOF_NOT_LINKED = "support.proof_not_linked"
    RECOVERY_LINK_INVALID = "recovery.link_invalid"
    RECOVERY_LINK_EXPIRED = "recovery.link_expired"
    RECOVERY_LINK_USED = "recovery.link_used"
    STAFF_NO_CONTACT = "staff.no_contact"


MESSAGES: dict[ErrorCode, Promise] = {
    ErrorCode.LOGIN_INVALID_CREDENTIALS: _(
        "The login details you entered don't match an account. Check them and try again."
    ),
    ErrorCode.LOGIN_SUSPENDED: _("This account is suspended, so you can't log in right now."),
    ErrorCode.CODE_INVALID: _("That code isn't right. Check the code we sent you and try again."),
    ErrorCode.CODE_EXPIRED: _("That code has expired. Request a new code."),
    ErrorCode.CODE_TOO_MANY_ATTEMPTS: _("Too many wrong codes were entered. Request a new code."),
    ErrorCode.CODE_RATE_LIMITED: _("Too many codes were requested. Try again in an hour."),
    ErrorCode.SIGNUP_HANDLE_TAKEN: _("This username is taken. Try another one."),
    ErrorCode.SIGNUP_TOO_YOUNG: _("You must be at least 13 years old to create an account."),
    ErrorCode.CONTACT_REQUIRED: _("Enter an email address or a phone number."),
    ErrorCode.CONTACT_IN_USE: _("This email address or phone number can't be used. Try another one."),
    ErrorCode.CONTACT_UNCHANGED: _("This is already the email address or phone number on your account."),
    ErrorCode.PASSWORD_INCORRECT: _("Your current password is incorrect."),
    ErrorCode.REAUTH_REQUIRED: _("For your security, confirm it's you (it takes a moment), then try again."),
    ErrorCode.REAUTH_WRONG_ACCOUNT: _(
        "That %(brand)s account isn't the one linked to this account, so it can't confirm it's you. "
        "Log in to %(brand)s with your linked account and try again."
    ),
    ErrorCode.AUTH_THROTTLED: _("Too many attempts. For your security, wait %(wait)s, then try again."),
    ErrorCode.FLOW_EXPIRED: _("This page has expired. Please start again."),
    ErrorCode.LINK_ALREADY_LINKED: _(
        "This %(brand)s account is already linked to another %(business_brand)s account. "
        "Unlink it there first, then try again."
    ),
    ErrorCode.LINK_BUSINESS_HAS_LINK: _(
        "This %(business_brand)s account is already linked to a %(brand)s account. "
        "Unlink it first to link a different one."
    ),
    ErrorCode.LINK_AGE_REQUIREMENT: _("You must be 18 or older to link a %(brand)s account to %(business_brand)s."),
    ErrorCode.LINK_ACCOUNT_UNAVAILABLE: _("This %(brand)s account can't be linked because it is suspended or deleted."),
    ErrorCode.LINK_CONSENT_DENIED: _(
        "You cancelled on %(brand)s, so nothing was linked. You can try again whenever you like."
    ),
    ErrorCode.LINK_SESSION_EXPIRED: _(
        "This linking attempt has expired or was started in another browser, so nothing was linked. Please start again."
    ),
    ErrorCode.LINK_PROVIDER_UNAVAILABLE: _("We couldn't reach %(brand)s just now. Please try again in a few minutes."),
    ErrorCode.ACCOUNT_TYPE_LINKED: _(
        "This account is linked to %(business_brand)s, so it can't become an organization account. "
        "Organization accounts are not currently used to log in to %(business_brand)s."
    ),
    ErrorCode.UNLINK_MANAGED_ACCOUNT: _(
        "This account is managed. Contact your account manager, %(manager_name)s (%(manager_email)s), to unlink it."
    ),
    ErrorCode.UNLINK_NO_CONTACT: _(
        "To unlink your %(brand)s account we need to send you a verification code, but this account has "
        "no email address or phone number. Add one first."
    ),
    ErrorCode.UNLINK_LAST_LOGIN_METHOD: _(
        "Set a password first. Without your %(brand)s account you would have no other way to log in to this account."
    ),
    ErrorCode.UNLINK_NOT_LINKED: _("This account isn't linked to a %(brand)s account."),
    ErrorCode.UNLINK_UNKNOWN_CONTACT: _("Choose one of the email addresses or phone numbers on this account."),
    ErrorCode.WEBHOOK_MALFORMED: _("The notification could not be read."),
    ErrorCode.WEBHOOK_BAD_SIGNATURE: _("The notification's signature is missing or wrong."),
    ErrorCode.WEBHOOK_STALE_TIMESTAMP: _("The notification's timestamp is too far from the current time."),
    ErrorCode.WEBHOOK_UNKNOWN_CLIENT: _("The notification is for another app."),
    ErrorCode.AUTH_REQUIRED: _("Log in to continue."),
    ErrorCode.REQUEST_INVALID: _("Some of the information sent is missing or not valid."),
    ErrorCode.NOT_FOUND: _("There is nothing here."),
    ErrorCode.CSRF_FAILED: _(
        "This request could not be verified (its security token is missing or out of date). Reload the page "
        "and try again."
    ),
    ErrorCode.SUPPORT_REASON_REQUIRED: _("Write down the reason for this action. It is kept in the audit log."),
    ErrorCode.SUPPORT_EVIDENCE_REQUIRED: _(
        "Record how the requester proved they own the account before approving the case."
    ),
    ErrorCode.SUPPORT_CASE_CLOSED: _("This case has already been decided."),
    ErrorCode.SUPPORT_NO_ACCOUNT: _("Choose the account this case is about first."),
    ErrorCode.SUPPORT_PROOF_NOT_LINKED: _(
        "The %(brand)s account you logged in with isn't linked to the account in your request, so it can't "
        "prove that account is yours. Our team will review your request in the usual way."
    ),
    ErrorCode.RECOVERY_LINK_INVALID: _("This link isn't valid. Copy the whole link from the message we sent you."),
    ErrorCode.RECOVERY_LINK_EXPIRED: _("This link has expired. Contact support again to get a new one."),
    ErrorCode.RECOVERY_LINK_USED: _("This link has already been used. Each link works only once."),
    ErrorCode.STAFF_NO_CONTACT: _(
        "Staff accounts sign in with a code sent to their email or phone, and this account has neither. "
        "Ask an administrator to add one."
    ),
}


def wait_text(seconds: int) -> str:
    """ "45 seconds", "3 minutes", "2 hours": a wait, rounded up to the unit people read."""
    if seconds < 60:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    if seconds < 3600:
        minutes = -(-seconds // 60)
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    hours = -(-seconds // 3600)
    return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}


class CodedError(Exception):
    """A refusal with a stable code. ``params`` fill the message's placeholders."""

    def __init__(self, code: ErrorCode, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code.value)

    @property
    def message(self) -> str:
        if self.code == ErrorCode.CODE_RESEND_TOO_SOON:
            seconds = self.params["seconds"]
            return ngettext(
                "Please wait %(seconds)s second before requesting another code.",
                "Please wait %(seconds)s seconds before requesting another code.",
                seconds,
            ) % {"seconds": seconds}
        if self.code == ErrorCode.AUTH_THROTTLED:
            return str(MESSAGES[self.code]) % {"wait": wait_text(self.params["seconds"])}
        return str(MESSAGES[self.code]) % {**brand_names(), **self.params}

    def as_json(self) -> dict[str, str]:
        """``code`` and ``message``, and ``help_url`` when a help-center section explains the code."""
        body = {"code": self.code.value, "message": self.message}
        url = help_url(self.code, absolute=True)
        if url:
            body["help_url"] = url
        return body
