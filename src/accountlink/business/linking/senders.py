"""What a worker says to Loop for the linking actions: the senders of their outbound calls (kit.outbound,
``ACCOUNTLINK_OUTBOUND_SENDERS``). Each one loads what its call is about, calls Loop with no lock
held, and hands what Loop answered to an action. A sender raises ``CallFailed`` to be retried.
"""

from __future__ import annotations

import logging

from django.db import transaction

from accountlink.kit.crypto import open_sealed, seal
from accountlink.kit.outbound.actions import CallFailed
from accountlink.kit.outbound.models import OutboundCall

from . import provider
from .actions.refresh import do_store_profile, do_store_refreshed_tokens
from .actions.revocation import do_queue_revocation
from .models import HeldCode, LinkRefresh, LoopRevocation

log = logging.getLogger(__name__)


def send_revocation(call: OutboundCall, timeout: float) -> int:
    """Kind ``revocation``: Loop's revoke endpoint with the grant's refresh token."""
    revocation = LoopRevocation.objects.get(call=call)
    try:
        provider.revoke(revocation.token, timeout=timeout, request_id=call.request_id)
    except (provider.ProviderUnavailable, provider.ProviderRefused) as error:
        raise CallFailed(str(error)) from None
    return 200


def send_code_replay(call: OutboundCall, timeout: float) -> int:
    """Kind ``code_replay``: present a held code again, and revoke anything it brings."""
    held = HeldCode.objects.get(call=call)
    try:
        tokens = provider.exchange_code(open_sealed(held.sealed_code), open_sealed(held.sealed_verifier))
    except provider.ProviderUnavailable as error:
        raise CallFailed(str(error)) from None
    except provider.ProviderRefused:
        return 200  # a used code: Loop revoked what it issued; an expired one issued nothing
    try:
        provider.revoke(tokens.refresh_token, timeout=timeout, request_id=call.request_id)
    except (provider.ProviderUnavailable, provider.ProviderRefused):
        with transaction.atomic(durable=True):
            do_queue_revocation(seal(tokens.refresh_token), open_id=tokens.open_id, reason="discarded")
    return 200


def send_refresh(call: OutboundCall, timeout: float) -> int:
    """Kind ``refresh``: a new access token if it expired, then user info."""
    link = LinkRefresh.objects.select_related("link").get(call=call).link
    if link is None:
        return 200  # the link ended meanwhile: nothing to refresh
    try:
        if link.access_expired():
            presented = link.sealed_refresh_token
            tokens = provider.refresh(link.refresh_token)
            if not do_store_refreshed_tokens(link.pk, presented, tokens):
                return 200
            access_token = tokens.access_token
        else:
            access_token = link.access_token
        do_store_profile(link.pk, provider.fetch_identity(access_token))
    except provider.ProviderUnavailable as error:
        raise CallFailed(str(error)) from None
    except provider.ProviderRefused as error:
        # Loop answered: the grant is gone, or the token no longer valid. The reconciliation ends
        # a link whose grant is gone; asking again would not change Loop's answer.
        log.info("Loop refused to refresh link %s: %s", link.pk, error)
    return 200
