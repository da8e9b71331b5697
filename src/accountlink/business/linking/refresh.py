"""Keeping a link's tokens and profile fresh, as outbound calls of kind ``refresh`` (kit.outbound).

A page that shows a link whose access token expired, or whose profile is over an hour old, shows
what is stored and asks for a refresh (:func:`do_queue_refresh`); a worker makes it, with no lock
held while Loop answers. One refresh per link is pending at a time, and each presents the refresh
token the link holds when it runs, so Loop never sees a refresh token twice (it would take that for
a stolen token and revoke the grant).
"""

from __future__ import annotations

import logging

from django.db import transaction

from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.actions import CallFailed
from accountlink.kit.outbound.models import CallStatus, OutboundCall

from . import actions, provider
from .models import LinkRefresh, LoopLink

log = logging.getLogger(__name__)

KIND = "refresh"


def do_queue_refresh(link: LoopLink) -> bool:
    """Ask a worker to refresh ``link``, unless a refresh of it is already waiting. True if queued."""
    with transaction.atomic(durable=True):
        locked = LoopLink.objects.select_for_update().filter(pk=link.pk).first()
        waiting = LinkRefresh.objects.filter(link=link, call__status=CallStatus.PENDING).exists()
        if locked is None or waiting:
            return False
        LinkRefresh.objects.create(call=outbound.queue_call(KIND, attempt_now=False), link=locked)
        return True


def send_refresh(call: OutboundCall, timeout: float) -> int:
    """The sender of ``refresh`` calls: a new access token if it expired, then user info."""
    link = LinkRefresh.objects.select_related("link").get(call=call).link
    if link is None:
        return 200  # the link ended meanwhile: nothing to refresh
    try:
        if link.access_expired():
            presented = link.sealed_refresh_token
            tokens = provider.refresh(link.refresh_token)
            if not actions.do_store_refreshed_tokens(link.pk, presented, tokens):
                return 200
            access_token = tokens.access_token
        else:
            access_token = link.access_token
        actions.do_store_profile(link.pk, provider.fetch_identity(access_token))
    except provider.ProviderUnavailable as error:
        raise CallFailed(str(error)) from None
    except provider.ProviderRefused as error:
        # Loop answered: the grant is gone, or the token no longer valid. The reconciliation ends
        # a link whose grant is gone; asking again would not change Loop's answer.
        log.info("Loop refused to refresh link %s: %s", link.pk, error)
    return 200
