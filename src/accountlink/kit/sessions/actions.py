"""Everything that changes the session registry (STYLE rule 1).

Ending a session deletes Django's session (so its cookie names nothing any more) and marks the row
ended (so the middleware refuses the session even if its key had rotated since). Both platforms'
account actions call :func:`end_all_sessions` inside their own transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.notify.send import notify
from accountlink.kit.transactions import in_callers_transaction
from accountlink.kit.views import mark_authenticated_now

from .conf import activity_interval, ended_rows_kept
from .models import AccountSession, EndReason
from .registry import SESSION_ID_KEY, ip_of, session_id, session_store, user_agent_of


def _end(rows: list[AccountSession], reason: EndReason) -> int:
    """Delete the rows' sessions and mark the rows ended, in the caller's transaction."""
    store = session_store()
    for row in rows:
        store().delete(row.session_key)
    return AccountSession.objects.filter(pk__in=[row.pk for row in rows], ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )


def _live(account: Any) -> list[AccountSession]:
    return list(AccountSession.objects.select_for_update().filter(account=account, ended_at__isnull=True))


def start_session(request: HttpRequest, account: Any) -> AccountSession:
    """A login (Django's ``user_logged_in``): a new row for this browser, whose id the session keeps.

    The account's row is locked, as a suspension locks it, so a login racing a suspension either
    ends with it or sees the account unavailable and starts ended.
    """
    session: Any = request.session
    previous = session_id(request)
    if session.session_key is None:
        session.save()  # a new session gets its key when it is first saved
    now = timezone.now()
    with transaction.atomic(savepoint=False):  # within the login's own transaction (do_log_in), no savepoint
        locked = type(account).objects.select_for_update().filter(pk=account.pk).first()
        if previous is not None:
            AccountSession.objects.filter(public_id=previous, ended_at__isnull=True).update(
                ended_at=now, end_reason=EndReason.REPLACED
            )
        AccountSession.objects.filter(account=account, ended_at__lt=now - ended_rows_kept()).delete()
        available = locked is not None and locked.is_active
        row = AccountSession.objects.create(
            account=account,
            session_key=session.session_key,
            user_agent=user_agent_of(request),
            ip_address=ip_of(request),
            signed_in_at=now,
            last_active_at=now,
            ended_at=None if available else now,
            end_reason="" if available else EndReason.ACCOUNT_UNAVAILABLE,
        )
    session[SESSION_ID_KEY] = row.public_id
    mark_authenticated_now(request)  # a login is an authentication: sensitive changes may follow for a while
    return row


def end_session_of(request: HttpRequest) -> None:
    """Django's ``user_logged_out``: this browser's row ends with its session (the view audits the logout)."""
    public_id = session_id(request)
    if public_id is not None:
        AccountSession.objects.filter(public_id=public_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=EndReason.LOGGED_OUT
        )


def touch_session(row: AccountSession, request: HttpRequest) -> None:
    """Keep "Last active" and the address roughly current: at most one write every few minutes."""
    now, address = timezone.now(), ip_of(request)
    if now - row.last_active_at < activity_interval() and (address is None or address == row.ip_address):
        return
    row.last_active_at = now
    row.ip_address = address or row.ip_address
    AccountSession.objects.filter(pk=row.pk).update(last_active_at=now, ip_address=row.ip_address)


def follow_key(row: AccountSession, session_key: str) -> None:
    """Django gave the session a new key (after a password change): the row follows it."""
    if session_key and session_key != row.session_key:
        row.session_key = session_key
        AccountSession.objects.filter(pk=row.pk).update(session_key=session_key)


def do_end_session(account: Any, row: AccountSession, *, actor: Any) -> bool:
    """**Log out** one browser on Manage devices / Sessions. False when it had ended already."""
    with transaction.atomic(durable=True):
        locked = AccountSession.objects.select_for_update().filter(pk=row.pk, account=account).first()
        if locked is None or locked.ended_at is not None:
            return False
        _end([locked], EndReason.LOGGED_OUT_ELSEWHERE)
        record(
            EventKind.SESSION_ENDED,
            account=account,
            actor=actor,
            user_agent=locked.user_agent,
            ip=locked.ip_address or "",
            signed_in_at=locked.signed_in_at.isoformat(),
        )
        return True


def end_other_sessions(account: Any, *, keep: str | None, reason: EndReason, actor: Any) -> int:
    """Every browser but ``keep`` (a ``public_id``) is logged out, in the caller's transaction."""
    rows = [row for row in _live(account) if row.public_id != keep]
    ended = _end(rows, reason)
    if ended:
        record(EventKind.OTHER_SESSIONS_ENDED, account=account, actor=actor, count=ended, reason=str(reason))
    return ended


def do_end_other_sessions(account: Any, *, keep: str | None, actor: Any) -> int:
    """**Log out of all other devices**. Returns how many were logged out."""
    with transaction.atomic(durable=True):
        return end_other_sessions(account, keep=keep, reason=EndReason.LOGGED_OUT_ELSEWHERE, actor=actor)


@in_callers_transaction
def end_all_sessions(account: Any, *, reason: EndReason, actor: Any = None) -> int:
    """Suspension, deletion, restore, password reset: every session of the account ends for good,
    in the caller's transaction (which has locked the account)."""
    ended = _end(_live(account), reason)
    if ended:
        record(EventKind.ALL_SESSIONS_ENDED, account=account, actor=actor, count=ended, reason=str(reason))
    return ended


def do_record_reauthentication(account: Any, *, method: str) -> None:
    """ "Confirm it's you" succeeded (the caller marks the session as recently authenticated)."""
    with transaction.atomic(durable=True):
        record(EventKind.REAUTHENTICATED, account=account, actor=account, method=method)


def do_alert_new_device(account: Any, row: AccountSession, *, sessions_url: str) -> None:
    """A login from a browser never seen on the account: a security alert to each of its addresses,
    naming the browser, its address and the page where it can be logged out."""
    with transaction.atomic(durable=True):
        for contact in account.contacts():
            notify(
                channel=contact.channel,
                to=contact.value,
                template="new_device_login",
                language=account.language,
                context={
                    "name": account.display_name,
                    "user_agent": row.user_agent,
                    "ip": row.ip_address or "",
                    "when": row.signed_in_at.strftime("%Y-%m-%d %H:%M UTC"),
                    "url": sessions_url,
                },
            )
