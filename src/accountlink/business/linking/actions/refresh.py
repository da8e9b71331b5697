"""Keeping a link's tokens and profile fresh, as outbound calls of kind ``refresh`` (kit.outbound).

A page that shows a link whose access token expired, or whose profile is over an hour old, shows
what is stored and asks for a refresh (:func:`do_queue_refresh_if_stale`); a worker makes it
(``senders.send_refresh``), with no lock held while Loop answers, and stores what Loop said with
:func:`do_store_refreshed_tokens` and :func:`do_store_profile`. One refresh per link is pending at a
time, and each presents the refresh token the link holds when it runs, so Loop never sees a refresh
token twice (it would take that for a stolen token and revoke the grant).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.models import CallStatus

from ..models import LinkRefresh, LoopLink
from ..provider import LoopIdentity, TokenSet
from .link import copy_identity
from .revocation import do_revoke_tokens

KIND = "refresh"
PROFILE_MAX_AGE = timedelta(hours=1)


def do_queue_refresh_if_stale(link: LoopLink | None) -> None:
    """A page is about to show ``link`` as stored: when its access token expired or its profile is
    over an hour old, a worker refreshes it from Loop. No page waits for Loop."""
    if link is not None and (timezone.now() - link.profile_checked_at >= PROFILE_MAX_AGE or link.access_expired()):
        do_queue_refresh(link)


def do_queue_refresh(link: LoopLink) -> bool:
    """Ask a worker to refresh ``link``, unless a refresh of it is already waiting. True if queued."""
    with transaction.atomic(durable=True):
        locked = LoopLink.objects.select_for_update().filter(pk=link.pk).first()
        waiting = LinkRefresh.objects.filter(link=link, call__status=CallStatus.PENDING).exists()
        if locked is None or waiting:
            return False
        LinkRefresh.objects.create(call=outbound.queue_call(KIND, attempt_now=False), link=locked)
        return True


def do_store_refreshed_tokens(link_id: int, presented: str, tokens: TokenSet) -> bool:
    """Loop rotated the link's tokens (``presented`` is the sealed refresh token we gave it): keep
    the new ones. If the link ended, or got other tokens meanwhile (Continue with Loop), the new ones
    are revoked instead. True when they were kept."""
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().filter(pk=link_id).first()
        if link is None or link.sealed_refresh_token != presented:
            do_revoke_tokens(tokens)
            return False
        link.store_tokens(
            tokens.access_token, tokens.refresh_token, tokens.access_expires_at, tokens.refresh_expires_at
        )
        link.scopes = tokens.scopes or link.scopes
        link.save()
        return True


def do_store_profile(link_id: int, identity: LoopIdentity) -> None:
    """What Loop's user info says now: the handle, name and avatar shown with the link."""
    with transaction.atomic(durable=True):
        link = LoopLink.objects.select_for_update().filter(pk=link_id, open_id=identity.open_id).first()
        if link is not None:
            copy_identity(link, identity)
            link.save(update_fields=["union_id", "username", "display_name", "avatar_url", "profile_checked_at"])
