"""Support cases and recovery links (DESIGN §4.6). The only code that changes them (STYLE rule 1).

Every step is one transaction that writes its audit event and queues its notice to the requester.
Staff actions take the acting staff member and a reason, and both go into the audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.codes.actions import redeem_code
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.notify.send import notify
from accountlink.kit.sendcode import send_code

from .acknowledgements import may_acknowledge, one_case_at_a_time
from .models import CaseKind, CaseStatus, RecoveryLink, SupportCase

RECOVERY_LINK_LIFETIME = timedelta(hours=24)
RECOVERY_PURPOSE = "recovery_contact"


def _tell_requester(case: SupportCase, template: str, **context: Any) -> None:
    notify(
        channel=case.reply_channel,
        to=case.reply_to,
        template=template,
        language=case.language,
        context={"name": case.requester_name, "reference": case.reference, "kind": case.kind, **context},
    )


def check_reason(reason: str) -> str:
    """Every staff action is explained."""
    reason = reason.strip()
    if not reason:
        raise CodedError(ErrorCode.SUPPORT_REASON_REQUIRED)
    return reason


def do_open_case(
    *,
    kind: CaseKind,
    account: Any,
    identifier: str,
    requester_name: str,
    reply_to: Contact,
    message: str,
    language: str,
    source: str = "",
) -> SupportCase:
    """**Contact support**: open a case. ``account`` is what ``identifier`` names, or None.

    The requester is answered the same whether or not an account was found (no enumeration). The
    acknowledgement quotes nothing the visitor typed but the case's reference, and is capped.
    """
    with transaction.atomic(durable=True):
        one_case_at_a_time()
        acknowledge = may_acknowledge(reply_to, source)
        case = SupportCase.objects.create(
            kind=kind,
            account=account,
            identifier=identifier.strip()[:254],
            requester_name=requester_name.strip()[:100],
            reply_channel=reply_to.channel,
            reply_to=reply_to.value,
            message=message.strip()[:2000],
            language=language,
            source=source,
            acknowledged=acknowledge,
        )
        record(
            EventKind.SUPPORT_CASE_OPENED, account=account, case=case.pk, case_kind=str(kind), reply_to=reply_to.masked
        )
        if acknowledge:
            notify(
                channel=case.reply_channel,
                to=case.reply_to,
                template="support_case_opened",
                language=case.language,
                context={"reference": case.reference, "kind": case.kind},
            )
    return case


def _locked_open_case(case: SupportCase) -> SupportCase:
    locked = SupportCase.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise CodedError(ErrorCode.SUPPORT_CASE_CLOSED)
    return locked


def do_record_evidence(case: SupportCase, *, actor: Any, evidence: str) -> SupportCase:
    """An agent writes down how the requester proved ownership (or what is missing)."""
    evidence = check_reason(evidence)
    with transaction.atomic(durable=True):
        locked = _locked_open_case(case)
        locked.evidence = f"{locked.evidence}\n{evidence}".strip()
        locked.save(update_fields=["evidence"])
        record(
            EventKind.SUPPORT_EVIDENCE_RECORDED, account=locked.account, actor=actor, case=locked.pk, evidence=evidence
        )
    return locked


def do_record_loop_proof(case: SupportCase, *, account: Any, handle: str) -> SupportCase:
    """The requester signed in with the Loop account linked to ``account``: that is proof of ownership."""
    with transaction.atomic(durable=True):
        locked = _locked_open_case(case)
        locked.account = account
        locked.proven_with_loop_at = timezone.now()
        locked.save(update_fields=["account", "proven_with_loop_at"])
        record(
            EventKind.SUPPORT_EVIDENCE_RECORDED,
            account=account,
            case=locked.pk,
            evidence="linked_loop_account",
            handle=handle,
        )
    return locked


def do_decline_case(case: SupportCase, *, actor: Any, reason: str) -> SupportCase:
    """Close the case without the change asked for (recovery refused, suspension kept); tell the requester why."""
    reason = check_reason(reason)
    with transaction.atomic(durable=True):
        locked = _locked_open_case(case)
        _decide(locked, CaseStatus.DECLINED, actor=actor, reason=reason)
        record(EventKind.SUPPORT_CASE_DECLINED, account=locked.account, actor=actor, case=locked.pk, reason=reason)
        _tell_requester(locked, "support_case_declined", reason=reason)
    return locked


def _decide(case: SupportCase, status: CaseStatus, *, actor: Any, reason: str) -> None:
    case.status = status
    case.decided_by = actor
    case.decided_at = timezone.now()
    case.decision_reason = reason
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


def do_approve_appeal(case: SupportCase, *, actor: Any, reason: str, restore: Callable[[Any], None]) -> SupportCase:
    """Grant an appeal: ``restore`` (the platform's own action body) lifts the suspension in this transaction."""
    reason = check_reason(reason)
    with transaction.atomic(durable=True):
        locked = _locked_open_case(case)
        if locked.kind != CaseKind.APPEAL:
            raise CodedError(ErrorCode.REQUEST_INVALID)
        if locked.account is None:
            raise CodedError(ErrorCode.SUPPORT_NO_ACCOUNT)
        restore(locked.account)
        _decide(locked, CaseStatus.APPROVED, actor=actor, reason=reason)
        _tell_requester(locked, "support_appeal_granted", reason=reason)
    return locked


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def do_approve_recovery(
    case: SupportCase, *, actor: Any, reason: str, account: Any, link_url: Callable[[str], str]
) -> SupportCase:
    """Ownership is proven: send the requester a single-use link, valid 24 hours, to register an
    email or phone on ``account``. ``link_url`` makes the page address from the token."""
    reason = check_reason(reason)
    with transaction.atomic(durable=True):
        locked = _locked_open_case(case)
        if locked.kind != CaseKind.RECOVERY:
            raise CodedError(ErrorCode.REQUEST_INVALID)
        if account is None:
            raise CodedError(ErrorCode.SUPPORT_NO_ACCOUNT)
        if not locked.evidence and locked.proven_with_loop_at is None:
            raise CodedError(ErrorCode.SUPPORT_EVIDENCE_REQUIRED)
        locked.account = account
        locked.save(update_fields=["account"])
        _decide(locked, CaseStatus.APPROVED, actor=actor, reason=reason)
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        RecoveryLink.objects.create(
            case=locked,
            account=account,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + RECOVERY_LINK_LIFETIME,
        )
        record(EventKind.RECOVERY_APPROVED, account=account, actor=actor, case=locked.pk, reason=reason)
        _tell_requester(locked, "recovery_link", url=link_url(token))
    return locked


def check_recovery_link(token: str) -> RecoveryLink:
    """The link behind ``token`` if it can still be used; otherwise a coded refusal."""
    link = RecoveryLink.objects.select_related("case", "account").filter(token_hash=_token_hash(token or "")).first()
    if link is None:
        raise CodedError(ErrorCode.RECOVERY_LINK_INVALID)
    return _check_usable(link)


def check_recovery_link_id(link_id: int | None) -> RecoveryLink:
    """The link a recovery flow holds in its session, checked again on every step."""
    link = RecoveryLink.objects.select_related("case", "account").filter(pk=link_id).first() if link_id else None
    if link is None:
        raise CodedError(ErrorCode.RECOVERY_LINK_INVALID)
    return _check_usable(link)


def _check_usable(link: RecoveryLink) -> RecoveryLink:
    if link.used_at is not None:
        raise CodedError(ErrorCode.RECOVERY_LINK_USED)
    if link.expires_at <= timezone.now():
        raise CodedError(ErrorCode.RECOVERY_LINK_EXPIRED)
    return link


def _check_free(link: RecoveryLink, contact: Contact) -> None:
    field = "email" if contact.is_email else "phone"
    owner = get_user_model().objects.filter(**{field: contact.value}).exclude(pk=link.account_id).first()
    if owner is not None and owner.verified_at is not None:
        raise CodedError(ErrorCode.CONTACT_IN_USE)


def do_send_recovery_code(link: RecoveryLink, contact: Contact) -> None:
    """Step one on the link's page: a code to the email or phone the holder wants to register."""
    link = _check_usable(RecoveryLink.objects.select_related("case", "account").get(pk=link.pk))
    _check_free(link, contact)
    with transaction.atomic(durable=True):
        send_code(link.account, purpose=RECOVERY_PURPOSE, contact=contact, language=link.case.language)


def do_finish_recovery(link: RecoveryLink, contact: Contact, code: str) -> Any:
    """Step two: the right code registers the address on the account and uses up the link."""
    account = link.account

    def register(_code: object) -> Any:
        locked = RecoveryLink.objects.select_for_update().get(pk=link.pk)
        _check_usable(locked)  # two tabs, one link: only the first registers anything
        _check_free(locked, contact)
        field = "email" if contact.is_email else "phone"
        get_user_model().objects.filter(**{field: contact.value}).exclude(pk=account.pk).delete()  # abandoned sign-ups
        setattr(account, field, contact.value)
        account.save(update_fields=[field])
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        record(
            EventKind.RECOVERY_COMPLETED,
            account=account,
            actor=account,
            case=locked.case_id,
            channel=str(contact.channel),
            to=contact.masked,
        )
        notify(
            channel=contact.channel,
            to=contact.value,
            template="contact_added",
            language=account.language,
            context={"name": account.display_name or str(account), "channel": str(contact.channel)},
        )
        return account

    return redeem_code(account, purpose=RECOVERY_PURPOSE, destination=contact.value, code=code, then=register)
