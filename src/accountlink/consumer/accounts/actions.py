"""Everything that changes a Loop account. Views, the CLI and tasks call these; nothing else saves."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accountlink.consumer.oauth import actions as oauth_actions
from accountlink.consumer.oauth.actions import do_end_all_app_access
from accountlink.kit.accounts.actions import PendingVerification, notify_all_contacts, owner_of, send_signup_code
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.sessions.actions import end_all_sessions
from accountlink.kit.sessions.models import EndReason
from accountlink.kit.transactions import in_callers_transaction

from .models import AccountStatus, AccountType, LoopAccount, age_on

MINIMUM_AGE = 13


def do_start_signup(
    *, handle: str, display_name: str, contact: Contact, password: str, birth_date: date, language: str
) -> PendingVerification:
    """Create an unverified account and send a code to its contact.

    If the contact already belongs to a verified account, nothing is created: that address is told
    someone tried to sign up with it, under the same limits, and the caller answers exactly as if a
    code had been sent.
    """
    handle = handle.lstrip("@").lower()
    if age_on(birth_date, timezone.localdate()) < MINIMUM_AGE:
        raise CodedError(ErrorCode.SIGNUP_TOO_YOUNG)
    password_hash = make_password(password)  # hashed on every path, so timing says nothing either
    with transaction.atomic(durable=True):
        owner: LoopAccount | None = owner_of(contact)
        # A taken handle is refused whatever the address, so the answer says nothing about the address;
        # only a person's own unfinished sign-up with this address may take its handle again.
        retrying = owner is not None and owner.verified_at is None
        own_pk = owner.pk if owner is not None and retrying else 0
        handle_holder = LoopAccount.objects.filter(handle=handle).exclude(pk=own_pk).first()
        if handle_holder is not None:
            abandoned = handle_holder.verified_at is None and handle_holder.date_joined < timezone.now() - timedelta(
                days=1
            )
            if not abandoned:
                raise CodedError(ErrorCode.SIGNUP_HANDLE_TAKEN)
            handle_holder.delete()
        if owner is not None and owner.verified_at is not None:
            send_signup_code(owner, contact, language)
            return PendingVerification(None, contact)
        if owner is not None:
            # An abandoned sign-up does not hold the address; it is replaced, not reused, so a code
            # sent for it cannot confirm the new one (its codes stay, counted by the address limits).
            owner.delete()
        account = LoopAccount(
            handle=handle,
            display_name=display_name.strip(),
            birth_date=birth_date,
            language=language,
            email=contact.value if contact.is_email else None,
            phone=None if contact.is_email else contact.value,
            password=password_hash,
        )
        account.save()
        record(EventKind.ACCOUNT_CREATED, account=account, actor=account)
        send_signup_code(account, contact, language)
        return PendingVerification(account.pk, contact)


def do_change_account_type(account: LoopAccount, account_type: AccountType, *, actor: LoopAccount) -> None:
    from accountlink.consumer.oauth.models import AppPermission

    with transaction.atomic(durable=True):
        LoopAccount.objects.select_for_update().filter(pk=account.pk).first()
        previous = account.account_type
        if previous == account_type:
            return
        if account_type == AccountType.ORGANIZATION and AppPermission.objects.filter(account=account).exists():
            # R5: a linked account is used to log in to the business platform; organizations are not.
            raise CodedError(ErrorCode.ACCOUNT_TYPE_LINKED)
        account.account_type = account_type
        account.save(update_fields=["account_type"])
        record(EventKind.ACCOUNT_TYPE_CHANGED, account=account, actor=actor, old=previous, new=str(account_type))


def do_suspend_account(account: LoopAccount, *, reason: str, actor: LoopAccount | None = None) -> None:
    """Suspend the account: every session ends for good (a restore does not bring one back) and
    every app loses access (R6)."""
    with transaction.atomic(durable=True):
        LoopAccount.objects.select_for_update().filter(pk=account.pk).first()
        account.status = AccountStatus.SUSPENDED
        account.status_reason = reason
        account.save(update_fields=["status", "status_reason"])
        record(EventKind.ACCOUNT_SUSPENDED, account=account, actor=actor, reason=reason)
        end_all_sessions(account, reason=EndReason.ACCOUNT_SUSPENDED, actor=actor)
        do_end_all_app_access(account, reason=oauth_actions.ACCOUNT_SUSPENDED, actor=actor)
        notify_all_contacts(account, "account_suspended")


def check_password_confirmation(account: LoopAccount, password: str) -> None:
    """A destructive change asks for the password again (DESIGN §8: a recent authentication)."""
    if not account.check_password(password):
        raise CodedError(ErrorCode.PASSWORD_INCORRECT)


def do_delete_account(account: LoopAccount, *, actor: LoopAccount | None, reason: str) -> None:
    """Delete the account: it cannot log in again (login answers as for an unknown account), every
    session ends, and every app loses access (R6).

    The row stays, marked deleted, so its audit trail and its handle, email and phone stay taken.
    """
    with transaction.atomic(durable=True):
        LoopAccount.objects.select_for_update().filter(pk=account.pk).first()
        account.refresh_from_db(fields=["status"])
        if account.status == AccountStatus.DELETED:
            return
        do_end_all_app_access(account, reason=oauth_actions.ACCOUNT_DELETED, actor=actor)
        account.status = AccountStatus.DELETED
        account.status_reason = reason
        account.save(update_fields=["status", "status_reason"])
        record(EventKind.ACCOUNT_DELETED, account=account, actor=actor, reason=reason)
        end_all_sessions(account, reason=EndReason.ACCOUNT_DELETED, actor=actor)
        notify_all_contacts(account, "account_deleted")


def do_change_birth_date(account: LoopAccount, birth_date: date, *, actor: LoopAccount | None) -> None:
    """Correct the date of birth. If the holder is now under 18, every app loses access (R4, R6)."""
    if age_on(birth_date, timezone.localdate()) < MINIMUM_AGE:
        raise CodedError(ErrorCode.SIGNUP_TOO_YOUNG)
    with transaction.atomic(durable=True):
        LoopAccount.objects.select_for_update().filter(pk=account.pk).first()
        previous = account.birth_date
        if previous == birth_date:
            return
        account.birth_date = birth_date
        account.save(update_fields=["birth_date"])
        record(
            EventKind.BIRTH_DATE_CHANGED,
            account=account,
            actor=actor,
            old=previous.isoformat(),
            new=birth_date.isoformat(),
        )
        if account.age < oauth_actions.LINKING_AGE:
            do_end_all_app_access(account, reason=oauth_actions.AGE_CHANGED, actor=actor)


def do_restore_account(account: LoopAccount, *, reason: str, actor: LoopAccount | None = None) -> None:
    with transaction.atomic(durable=True):
        do_lift_suspension(account, reason=reason, actor=actor)


@in_callers_transaction
def do_lift_suspension(account: LoopAccount, *, reason: str, actor: LoopAccount | None, **audit: object) -> None:
    """The body of :func:`do_restore_account`, for an action that restores inside its own
    transaction (an appeal granted from the support console). ``audit`` adds to the audit event.

    Sessions from before the suspension stay ended: any left (one that was logging in as the
    suspension began) end here, and the holder logs in again."""
    LoopAccount.objects.select_for_update().filter(pk=account.pk).first()
    account.status = AccountStatus.ACTIVE
    account.status_reason = ""
    account.save(update_fields=["status", "status_reason"])
    record(EventKind.ACCOUNT_RESTORED, account=account, actor=actor, reason=reason, **audit)
    end_all_sessions(account, reason=EndReason.ACCOUNT_RESTORED, actor=actor)
    notify_all_contacts(account, "account_restored")


def do_create_account(
    *,
    handle: str,
    display_name: str,
    birth_date: date,
    password: str | None,
    email: str | None = None,
    phone: str | None = None,
    account_type: AccountType = AccountType.PERSONAL,
    language: str = "en",
    is_support_agent: bool = False,
    actor: LoopAccount | None = None,
) -> LoopAccount:
    """Create an account whose contact is already verified (demo data, support, tests)."""
    with transaction.atomic(durable=True):
        account = LoopAccount(
            handle=handle.lstrip("@").lower(),
            display_name=display_name,
            birth_date=birth_date,
            email=email.lower() if email else None,
            phone=phone,
            account_type=account_type,
            language=language,
            is_support_agent=is_support_agent,
            verified_at=timezone.now(),
        )
        account.set_password(password)
        account.save()
        record(EventKind.ACCOUNT_CREATED, account=account, actor=actor)
        return account
