"""Actions on accounts that work the same on both platforms.

Both account models offer ``contacts()``, ``language``, ``display_name`` and Django's password
methods; these functions rely on nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.codes.actions import issue_code, redeem_code
from accountlink.kit.contacts import Contact, parse_contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.notify.send import notify
from accountlink.kit.sendcode import send_code
from accountlink.kit.sessions.actions import end_all_sessions, end_other_sessions
from accountlink.kit.sessions.models import EndReason


def notify_all_contacts(account: Any, template: str, **context: Any) -> None:
    for contact in account.contacts():
        notify(
            channel=contact.channel,
            to=contact.value,
            template=template,
            language=account.language,
            context={"name": account.display_name, **context},
        )


def do_log_in(request: HttpRequest, account: Any) -> None:
    """Log this browser in: Django's ``login()`` (a new session key; the session's row in the registry,
    through ``user_logged_in``), ``last_login`` and the audit event, as one transaction: under
    concurrent logins each write waits for the database's one write lock (SQLite), so one write
    instead of three (issue 18). Django's own ``update_last_login`` is disconnected in
    ``KitConfig.ready``."""
    with transaction.atomic(durable=True):
        login(request, account)
        type(account).objects.filter(pk=account.pk).update(last_login=timezone.now())
        record(EventKind.LOGIN, account=account, actor=account)


def do_record_logout(account: Any) -> None:
    """Log out: audited here; the browser's session row ends with Django's ``logout()`` (``kit.sessions``)."""
    with transaction.atomic(durable=True):
        record(EventKind.LOGOUT, account=account, actor=account)


def do_record_failed_login(account: Any) -> None:
    with transaction.atomic(durable=True):
        record(EventKind.LOGIN_FAILED, account=account)


def do_change_language(account: Any, language: str) -> None:
    with transaction.atomic(durable=True):
        if account.language == language:
            return
        account.language = language
        account.save(update_fields=["language"])
        record(EventKind.LANGUAGE_CHANGED, account=account, actor=account, language=language)


def do_change_password(
    account: Any, *, current_password: str | None, new_password: str, keep_session: str | None = None
) -> None:
    """Change the password. The current one is required when the account has a usable one.

    Every other browser is logged out (Django would refuse their sessions anyway, as the password
    is part of them); ``keep_session`` is the ``public_id`` of the browser that changed it."""
    if account.has_usable_password() and not account.check_password(current_password or ""):
        raise CodedError(ErrorCode.PASSWORD_INCORRECT)
    with transaction.atomic(durable=True):
        account.set_password(new_password)
        account.save(update_fields=["password"])
        record(EventKind.PASSWORD_CHANGED, account=account, actor=account)
        end_other_sessions(account, keep=keep_session, reason=EndReason.PASSWORD_CHANGED, actor=account)
        notify_all_contacts(account, "password_changed")


def check_password(account: Any, password: str) -> None:
    """ "Confirm it's you" and other pages that ask for the password again: ``password.incorrect``."""
    if not account.has_usable_password() or not account.check_password(password):
        raise CodedError(ErrorCode.PASSWORD_INCORRECT)


def reset_contact(account: Any, typed: str, language: str = "en") -> Contact | None:
    """Where a reset code goes: the address typed, if it is the account's; else the first one."""
    contacts: list[Contact] = account.contacts()
    try:
        typed_contact: Contact | None = parse_contact(typed, language)
    except ValidationError:
        typed_contact = None  # a handle
    if typed_contact in contacts:
        return typed_contact
    return contacts[0] if contacts else None


def do_start_password_reset(account: Any, contact: Contact | None, language: str) -> None:
    """Send a reset code if there is an active account with a contact; otherwise do nothing, silently."""
    if account is None or contact is None or not account.is_active:
        return
    with transaction.atomic(durable=True):
        try:
            send_code(account, purpose="password_reset", contact=contact, language=account.language or language)
        except CodedError:
            # Limits are not reported here: the answer must not differ from an unknown account's.
            return


def do_reset_password(account: Any, contact: Contact, code: str, new_password: str) -> Any:
    if account is None or not account.is_active:
        raise CodedError(ErrorCode.CODE_INVALID)

    def reset(_code: object) -> Any:
        account.set_password(new_password)
        account.save(update_fields=["password"])
        record(EventKind.PASSWORD_RESET, account=account, actor=account, to=contact.masked)
        end_all_sessions(account, reason=EndReason.PASSWORD_CHANGED, actor=account)
        notify_all_contacts(account, "password_changed")
        return account

    return redeem_code(account, purpose="password_reset", destination=contact.value, code=code, then=reset)


def do_verify_contact(account: Any, contact: Contact, code: str) -> Any:
    """Finish a sign-up: the code sent to the contact makes the account usable."""
    if account is None:
        raise CodedError(ErrorCode.CODE_INVALID)

    def activate(_code: object) -> Any:
        account.verified_at = timezone.now()
        account.save(update_fields=["verified_at"])
        record(EventKind.CONTACT_VERIFIED, account=account, actor=account, to=contact.masked)
        notify(
            channel=contact.channel,
            to=contact.value,
            template="welcome",
            language=account.language,
            context={"name": account.display_name},
        )
        return account

    return redeem_code(account, purpose="signup", destination=contact.value, code=code, then=activate)


@dataclass(frozen=True)
class PendingVerification:
    """Where a sign-up code went. ``account_id`` is None when the address was taken (no enumeration)."""

    account_id: int | None
    contact: Contact


def owner_of(contact: Contact) -> Any:
    """The account, verified or not, that holds this email address or phone number."""
    field = "email" if contact.is_email else "phone"
    return get_user_model().objects.filter(**{field: contact.value}).first()


def send_signup_code(account: Any, contact: Contact, language: str) -> None:
    """In the caller's transaction: the sign-up code, or, when ``account`` is already verified (the
    address is taken), a warning to that address instead.

    Both go through ``issue_code``, so both obey the same 60-second and hourly limits and refuse
    with the same errors: nobody can tell a taken address from a free one by how the pages answer.
    The code issued for a taken address is never sent, so it cannot be used.
    """
    if account.verified_at is None:
        send_code(account, purpose="signup", contact=contact, language=language)
    else:
        issue_code(account, purpose="signup", channel=contact.channel, destination=contact.value)
        notify(channel=contact.channel, to=contact.value, template="signup_existing", language=account.language)


def do_resend_signup_code(account: Any, contact: Contact, language: str) -> None:
    """The sign-up code page's "Send a new code"; ``account`` is None when the address was taken."""
    with transaction.atomic(durable=True):
        target = account if account is not None else owner_of(contact)
        if target is None or (account is not None and account.verified_at is not None):
            return
        send_signup_code(target, contact, language)


# Staff sign in with their password and then a code (DESIGN §8: a second factor for staff).
STAFF_LOGIN_PURPOSE = "staff_login"


def do_send_staff_login_code(account: Any) -> Contact:
    """The password was right and the account is staff: send the second factor to its first address."""
    contacts: list[Contact] = account.contacts()
    if not contacts:
        raise CodedError(ErrorCode.STAFF_NO_CONTACT)
    with transaction.atomic(durable=True):
        send_code(account, purpose=STAFF_LOGIN_PURPOSE, contact=contacts[0], language=account.language)
    return contacts[0]


def do_confirm_staff_login(account: Any, contact: Contact, code: str) -> Any:
    """The staff member's code; the caller logs them in when it is right."""
    if account is None or not account.is_active or not account.is_staff:
        raise CodedError(ErrorCode.CODE_INVALID)
    return redeem_code(
        account, purpose=STAFF_LOGIN_PURPOSE, destination=contact.value, code=code, then=lambda _code: account
    )
