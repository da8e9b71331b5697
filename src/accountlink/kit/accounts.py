"""Actions on accounts that work the same on both platforms.

Both account models offer ``contacts()``, ``language``, ``display_name`` and Django's password
methods; these functions rely on nothing else.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.codes.actions import redeem_code
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.notify.send import notify
from accountlink.kit.sendcode import send_code


def notify_all_contacts(account: Any, template: str, **context: Any) -> None:
    for contact in account.contacts():
        notify(
            channel=contact.channel,
            to=contact.value,
            template=template,
            language=account.language,
            context={"name": account.display_name, **context},
        )


def do_record_login(account: Any) -> None:
    with transaction.atomic(durable=True):
        type(account).objects.filter(pk=account.pk).update(last_login=timezone.now())
        record(EventKind.LOGIN, account=account, actor=account)


def do_record_logout(account: Any) -> None:
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


def do_change_password(account: Any, *, current_password: str | None, new_password: str) -> None:
    """Change the password. The current one is required when the account has a usable one."""
    if account.has_usable_password() and not account.check_password(current_password or ""):
        raise CodedError(ErrorCode.PASSWORD_INCORRECT)
    with transaction.atomic(durable=True):
        account.set_password(new_password)
        account.save(update_fields=["password"])
        record(EventKind.PASSWORD_CHANGED, account=account, actor=account)
        notify_all_contacts(account, "password_changed")


def reset_contact(account: Any, typed: str) -> Contact | None:
    """Where a reset code goes: the address typed, if it is the account's; else the first one."""
    contacts: list[Contact] = account.contacts()
    for contact in contacts:
        if contact.value.lower() == typed.strip().lower():
            return contact
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


def do_resend_signup_code(account: Any, contact: Contact, language: str) -> None:
    if account is None or account.verified_at is not None:
        return
    with transaction.atomic(durable=True):
        send_code(account, purpose="signup", contact=contact, language=language)
