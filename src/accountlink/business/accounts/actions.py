"""Everything that changes a business account. Views and the CLI call these; nothing else saves."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accountlink.kit.accounts.actions import PendingVerification, owner_of, send_signup_code
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.codes.actions import redeem_code
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.notify.send import notify
from accountlink.kit.sendcode import send_code

from .models import BusinessAccount


def _owner_of(contact: Contact) -> BusinessAccount | None:
    account: BusinessAccount | None = owner_of(contact)
    return account


def do_start_signup(*, contact: Contact, password: str, display_name: str, language: str) -> PendingVerification:
    """Create an unverified account and send a code to its address.

    If a verified account already has this address, nothing is created: that address is told
    someone tried to sign up with it, under the same limits, and the caller answers exactly as if
    a code had been sent.
    """
    password_hash = make_password(password)  # hashed on every path, so timing says nothing either
    with transaction.atomic(durable=True):
        owner = _owner_of(contact)
        if owner is not None and owner.verified_at is not None:
            send_signup_code(owner, contact, language)
            return PendingVerification(None, contact)
        if owner is not None:
            # An abandoned sign-up does not hold the address; it is replaced, not reused, so a code
            # sent for it cannot confirm the new one (its codes stay, counted by the address limits).
            owner.delete()
        account = BusinessAccount(
            email=contact.value if contact.is_email else None,
            phone=None if contact.is_email else contact.value,
            display_name=display_name.strip(),
            language=language,
            password=password_hash,
        )
        account.save()
        record(EventKind.ACCOUNT_CREATED, account=account, actor=account)
        send_signup_code(account, contact, language)
        return PendingVerification(account.pk, contact)


def do_change_display_name(account: BusinessAccount, display_name: str) -> None:
    with transaction.atomic(durable=True):
        old = account.display_name
        account.display_name = display_name.strip()
        account.save(update_fields=["display_name"])
        record(
            EventKind.PROFILE_CHANGED,
            account=account,
            actor=account,
            field="display_name",
            old=old,
            new=account.display_name,
        )


def _purpose(channel: Channel) -> str:
    return "change_email" if channel == Channel.EMAIL else "change_phone"


def do_start_contact_change(
    account: BusinessAccount, contact: Contact, *, current_password: str | None, recently_authenticated: bool = False
) -> None:
    """Send a code to a new email or phone.

    Proof that the holder is present: the current password, or, for an account without one (made
    with "Continue with Loop"), a login in the last few minutes.
    """
    if account.has_usable_password():
        if not account.check_password(current_password or ""):
            raise CodedError(ErrorCode.PASSWORD_INCORRECT)
    elif not recently_authenticated:
        raise CodedError(ErrorCode.REAUTH_REQUIRED)
    if account.contact_for(contact.channel) == contact.value:
        raise CodedError(ErrorCode.CONTACT_UNCHANGED)
    # The code goes out whether or not another account has this address: only someone who reads
    # it can learn that, when the code is entered (no enumeration, DESIGN §8).
    with transaction.atomic(durable=True):
        send_code(account, purpose=_purpose(contact.channel), contact=contact, language=account.language)


def do_confirm_contact_change(account: BusinessAccount, contact: Contact, code: str) -> None:
    """Set the new email or phone once its code is entered; tell the old address it changed.

    An address another account holds is refused here, with a notice to that address (whoever read
    the code reads it there too), and the code is used up."""

    def change(_code: object) -> bool:
        owner = _owner_of(contact)
        if owner is not None and owner.pk != account.pk:
            if owner.verified_at is not None:
                notify(
                    channel=contact.channel,
                    to=contact.value,
                    template="contact_in_use",
                    language=owner.language,
                    context={"name": owner.name},
                )
                return False
            owner.delete()
        field = "email" if contact.is_email else "phone"
        old = account.contact_for(contact.channel)
        setattr(account, field, contact.value)
        account.save(update_fields=[field])
        kind = EventKind.EMAIL_CHANGED if contact.is_email else EventKind.PHONE_CHANGED
        old_contact = Contact(contact.channel, old) if old else None
        record(kind, account=account, actor=account, old=old_contact.masked if old_contact else "", new=contact.masked)
        if old_contact is not None:
            notify(
                channel=old_contact.channel,
                to=old_contact.value,
                template="contact_changed",
                language=account.language,
                context={"name": account.name, "channel": str(contact.channel), "new": contact.masked},
            )
        notify(
            channel=contact.channel,
            to=contact.value,
            template="contact_added",
            language=account.language,
            context={"name": account.name, "channel": str(contact.channel)},
        )
        return True

    if not redeem_code(account, purpose=_purpose(contact.channel), destination=contact.value, code=code, then=change):
        raise CodedError(ErrorCode.CONTACT_IN_USE)


def do_create_account(
    *,
    email: str | None,
    password: str | None,
    display_name: str = "",
    phone: str | None = None,
    language: str = "en",
    account_manager: BusinessAccount | None = None,
    is_account_manager: bool = False,
    is_support_agent: bool = False,
    actor: BusinessAccount | None = None,
) -> BusinessAccount:
    """Create an account whose contacts are already verified (demo data, support, tests)."""
    from django.utils import timezone

    with transaction.atomic(durable=True):
        account = BusinessAccount(
            email=email.lower() if email else None,
            phone=phone,
            display_name=display_name,
            language=language,
            account_manager=account_manager,
            is_account_manager=is_account_manager,
            is_support_agent=is_support_agent,
            verified_at=timezone.now(),
        )
        account.set_password(password)
        account.save()
        record(EventKind.ACCOUNT_CREATED, account=account, actor=actor)
        return account
