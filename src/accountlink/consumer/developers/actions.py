"""What Loop for Developers changes (STYLE rule 1), beyond the registration actions it shares with
``register-client``: an app with its icon, in one transaction, and the audited view of a secret.

Everything is audited on the owner's account, so it shows on their Security activity. Rotating the
secret is ``registration.do_rotate_client_secret``; a test webhook and a replay are
``consumer.webhooks.actions``'.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.consumer.oauth.models import Client
from accountlink.consumer.oauth.registration import (
    ClientSettings,
    RegisteredClient,
    create_client,
    record_client_event,
    update_client,
)
from accountlink.kit.audit.models import EventKind
from accountlink.kit.crypto import open_sealed
from accountlink.kit.transactions import in_callers_transaction

from .icons import Icon
from .models import AppIcon


@in_callers_transaction
def _set_icon(client: Client, icon: Icon | None) -> bool:
    """Store the icon (None removes it); whether anything changed."""
    if icon is None:
        deleted, _by_model = AppIcon.objects.filter(client=client).delete()
        return bool(deleted)
    AppIcon.objects.update_or_create(
        client=client,
        defaults={
            "content_type": icon.content_type,
            "data": icon.data,
            "digest": icon.digest,
            "updated_at": timezone.now(),
        },
    )
    return True


def do_create_app(owner: LoopAccount, settings: ClientSettings, *, icon: Icon | None = None) -> RegisteredClient:
    """A new app owned by ``owner``, with a new client key and secret. Raises ``ClientRegistrationError``."""
    with transaction.atomic(durable=True):
        registered = create_client(settings, owner=owner)
        if icon is not None:
            _set_icon(registered.client, icon)
        record_client_event(
            EventKind.CLIENT_REGISTERED,
            registered.client,
            actor=owner,
            redirect_uris=registered.client.redirect_uris.split(),
            secret_rotated=True,
            icon=icon is not None,
        )
        return registered


def do_update_app(
    client: Client,
    settings: ClientSettings,
    *,
    actor: LoopAccount,
    icon: Icon | None = None,
    remove_icon: bool = False,
) -> list[str]:
    """The app takes these settings, and a new icon or none; what changed (audited when anything did)."""
    with transaction.atomic(durable=True):
        locked = Client.objects.select_for_update().get(pk=client.pk)
        changed = update_client(locked, settings)
        if (icon is not None or remove_icon) and _set_icon(locked, icon):
            changed.append("icon")
        if changed:
            record_client_event(EventKind.CLIENT_UPDATED, locked, actor=actor, changed=changed)
    client.refresh_from_db()
    return changed


def do_reveal_client_secret(client: Client, *, actor: LoopAccount) -> str:
    """The app's secret, for its owner's eyes (after a recent authentication); each view is audited."""
    with transaction.atomic(durable=True):
        record_client_event(EventKind.CLIENT_SECRET_VIEWED, client, actor=actor)
    return open_sealed(client.client_secret)
