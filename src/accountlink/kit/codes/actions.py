"""Verification codes (DESIGN §8).

Six digits from ``secrets``; stored as a keyed hash bound to (account, purpose, destination);
single use; valid 10 minutes; a new code voids the previous one; 5 wrong tries void it; a new code
for the same address and purpose no sooner than 60 s; hourly caps per account and per destination,
counted apart for codes anyone may ask for and codes only the holder may ask for. Counters are
changed under a row lock, so parallel requests cannot go round the limits.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accountlink.kit.conf import platform_settings
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.transactions import in_callers_transaction

from .models import Channel, VerificationCode

T = TypeVar("T")


@dataclass(frozen=True)
class CodePolicy:
    lifetime: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    resend_after: timedelta = timedelta(seconds=60)
    per_account_per_hour: int = 10
    per_destination_per_hour: int = 5


def policy() -> CodePolicy:
    return CodePolicy(**platform_settings.CODE_POLICY)


# Codes anyone can ask for without proving anything (Forgot password, sign-up and its warning to a
# taken address). They have hourly allowances of their own, so strangers who spend them cannot stop
# the holder's own codes: staff sign-in, unlink, contact change and recovery (DESIGN §8).
ANONYMOUS_PURPOSES = frozenset({"password_reset", "signup"})


def same_bucket(codes: QuerySet[VerificationCode], purpose: str) -> QuerySet[VerificationCode]:
    """The codes that share an hourly allowance with a code for ``purpose``."""
    if purpose in ANONYMOUS_PURPOSES:
        return codes.filter(purpose__in=ANONYMOUS_PURPOSES)
    return codes.exclude(purpose__in=ANONYMOUS_PURPOSES)


def _hash(account_id: Any, purpose: str, destination: str, code: str) -> str:
    message = f"{account_id}:{purpose}:{destination}:{code}"
    return salted_hmac("accountlink.kit.codes", message, algorithm="sha256").hexdigest()


def _lock_account(account: Any) -> None:
    # Serialises code issuing and checking per account, on SQLite and PostgreSQL alike.
    get_user_model().objects.select_for_update().filter(pk=account.pk).first()


@in_callers_transaction
def issue_code(account: Any, *, purpose: str, channel: Channel, destination: str) -> str:
    """Create a code and return it in plain text so the caller can send it, in its transaction.

    Raises ``code.resend_too_soon`` or ``code.rate_limited``.
    """
    rules = policy()
    now = timezone.now()
    _lock_account(account)
    # Per address and purpose, whoever asked: a taken address and a free one answer alike.
    previous = VerificationCode.objects.filter(purpose=purpose, destination=destination).order_by("-created_at").first()
    if previous is not None and now - previous.created_at < rules.resend_after:
        wait = rules.resend_after - (now - previous.created_at)
        raise CodedError(ErrorCode.CODE_RESEND_TOO_SOON, seconds=max(1, int(wait.total_seconds())))
    recent = same_bucket(VerificationCode.objects.filter(created_at__gte=now - timedelta(hours=1)), purpose)
    if recent.filter(account=account).count() >= rules.per_account_per_hour:
        raise CodedError(ErrorCode.CODE_RATE_LIMITED)
    if recent.filter(destination=destination).count() >= rules.per_destination_per_hour:
        raise CodedError(ErrorCode.CODE_RATE_LIMITED)
    VerificationCode.objects.filter(account=account, purpose=purpose, consumed_at=None, voided_at=None).update(
        voided_at=now
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    VerificationCode.objects.create(
        account=account,
        purpose=purpose,
        channel=channel,
        destination=destination,
        code_hash=_hash(account.pk, purpose, destination, code),
        created_at=now,
        expires_at=now + rules.lifetime,
    )
    return code


def redeem_code(account: Any, *, purpose: str, destination: str, code: str, then: Callable[[VerificationCode], T]) -> T:
    """Check ``code``; if right, consume it and run ``then`` in the same transaction.

    A wrong code's attempt is counted and committed before the error is raised, so failures
    cannot be rolled back by the caller. Raises ``code.invalid``, ``code.expired`` or
    ``code.too_many_attempts``.
    """
    rules = policy()
    code = "".join(code.split())
    with transaction.atomic(durable=True):
        _lock_account(account)
        row = (
            VerificationCode.objects.filter(
                account=account, purpose=purpose, destination=destination, consumed_at=None, voided_at=None
            )
            .order_by("-created_at")
            .first()
        )
        now = timezone.now()
        error: ErrorCode | None = None
        if row is None:
            error = ErrorCode.CODE_INVALID
        elif row.expires_at <= now:
            error = ErrorCode.CODE_EXPIRED
        elif row.attempts >= rules.max_attempts:
            error = ErrorCode.CODE_TOO_MANY_ATTEMPTS
        elif not constant_time_compare(row.code_hash, _hash(account.pk, purpose, destination, code)):
            row.attempts += 1
            update: dict[str, Any] = {"attempts": row.attempts}
            if row.attempts >= rules.max_attempts:
                update["voided_at"] = now
                error = ErrorCode.CODE_TOO_MANY_ATTEMPTS
            else:
                error = ErrorCode.CODE_INVALID
            VerificationCode.objects.filter(pk=row.pk).update(**update)
        else:
            VerificationCode.objects.filter(pk=row.pk).update(consumed_at=now)
            row.consumed_at = now
            return then(row)
    raise CodedError(error)


def redeem_without_account(*, purpose: str, destination: str) -> None:
    """The work of checking a wrong code, for a flow with no account behind it (an unknown
    identifier, a taken address): the same transaction and the same queries as :func:`redeem_code`,
    finding nothing, so the time of the answer does not tell the two apart (DESIGN §8)."""
    with transaction.atomic(durable=True):
        get_user_model().objects.select_for_update().filter(pk=-1).first()
        row = (
            VerificationCode.objects.filter(
                account=None, purpose=purpose, destination=destination, consumed_at=None, voided_at=None
            )
            .order_by("-created_at")
            .first()
        )
        constant_time_compare(row.code_hash if row else "", _hash(None, purpose, destination, "000000"))
        VerificationCode.objects.filter(pk=row.pk if row else -1, account=None).update(attempts=F("attempts"))
