"""Registering an app as an OAuth client of Loop, and changing it: the one set of actions behind
``accountlink register-client`` and Loop for Developers (STYLE rules 1 and 5). The rules the settings
obey are in ``registration_rules``; every action here checks them before it stores anything.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.crypto import open_sealed, seal
from accountlink.kit.transactions import in_callers_transaction

from .models import Client
from .registration_rules import (
    ClientRegistrationError,
    ClientSettings,
    RegistrationError,
    check_client_settings,
)
from .scopes import format_scopes

__all__ = ["ClientRegistrationError", "ClientSettings", "RegisteredClient", "RegistrationError"]


@dataclass(frozen=True)
class RegisteredClient:
    client: Client
    client_secret: str
    created: bool


def _check_name_free(name: str, client: Client | None) -> None:
    others = Client.objects.filter(name__iexact=name)
    if client is not None:
        others = others.exclude(pk=client.pk)
    if others.exists():
        raise ClientRegistrationError(RegistrationError.NAME_TAKEN)


def _apply(client: Client, settings: ClientSettings) -> list[str]:
    """Write the settings on the client; the names of those that changed."""
    values = {
        "name": settings.name,
        "description": settings.description,
        "platform": settings.platform,
        "redirect_uris": " ".join(settings.redirect_uris),
        "webhook_url": settings.webhook_url,
        "allowed_scopes": format_scopes(settings.scopes),
        "require_pkce": settings.require_pkce,
    }
    changed = [field for field, value in values.items() if getattr(client, field) != value]
    for field, value in values.items():
        setattr(client, field, value)
    return changed


@in_callers_transaction
def create_client(settings: ClientSettings, *, owner: Any = None) -> RegisteredClient:
    """A step of an action: a new client with these settings (checked here) and a new secret."""
    settings = check_client_settings(settings)
    _check_name_free(settings.name, None)
    client = Client(
        client_id=secrets.token_urlsafe(18),
        client_type=Client.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        hash_client_secret=False,
        owner=owner,
    )
    secret = secrets.token_urlsafe(48)
    client.client_secret = seal(secret)
    _apply(client, settings)
    client.save()
    return RegisteredClient(client, secret, created=True)


@in_callers_transaction
def update_client(client: Client, settings: ClientSettings) -> list[str]:
    """A step of an action: the client (locked by the caller) takes these settings; what changed."""
    settings = check_client_settings(settings)
    _check_name_free(settings.name, client)
    changed = _apply(client, settings)
    if changed:
        client.save()
    return changed


@in_callers_transaction
def record_client_event(kind: EventKind, client: Client, *, actor: Any = None, **data: Any) -> None:
    """Audited on the owner's account, so it shows on their Security activity."""
    record(kind, account=client.owner, actor=actor, client=client.name, client_key=client.client_id, **data)


def do_create_client(settings: ClientSettings, *, owner: Any = None, actor: Any = None) -> RegisteredClient:
    with transaction.atomic(durable=True):
        registered = create_client(settings, owner=owner)
        record_client_event(
            EventKind.CLIENT_REGISTERED,
            registered.client,
            actor=actor,
            redirect_uris=registered.client.redirect_uris.split(),
            secret_rotated=True,
        )
        return registered


def do_update_client(client: Client, settings: ClientSettings, *, actor: Any = None) -> list[str]:
    with transaction.atomic(durable=True):
        locked = Client.objects.select_for_update().get(pk=client.pk)
        changed = update_client(locked, settings)
        if changed:
            record_client_event(EventKind.CLIENT_UPDATED, locked, actor=actor, changed=changed)
    client.refresh_from_db()
    return changed


def do_rotate_client_secret(client: Client, *, actor: Any = None) -> str:
    """A new secret; the old one stops working at once (tokens, and the key of webhook signatures)."""
    secret = secrets.token_urlsafe(48)
    with transaction.atomic(durable=True):
        locked = Client.objects.select_for_update().get(pk=client.pk)
        locked.client_secret = seal(secret)
        locked.save(update_fields=["client_secret", "updated"])
        record_client_event(EventKind.CLIENT_SECRET_ROTATED, locked, actor=actor)
    client.refresh_from_db()
    return secret


def do_register_client(
    *,
    name: str,
    redirect_uris: list[str],
    webhook_url: str,
    scopes: list[str],
    platform: str | None = None,
    description: str | None = None,
    require_pkce: bool | None = None,
    owner: Any = None,
    rotate_secret: bool = False,
) -> RegisteredClient:
    """``register-client``: register an app, or update the one of that name. Settings left out (None)
    keep their value, or their default for a new app; the secret is kept unless rotation is asked for."""
    with transaction.atomic(durable=True):
        client = Client.objects.select_for_update().filter(name=name).first()
        settings = ClientSettings(
            name=name,
            redirect_uris=redirect_uris,
            webhook_url=webhook_url,
            scopes=scopes,
            platform=platform or (client.platform if client else Client.Platform.WEB),
            description=description if description is not None else (client.description if client else ""),
            require_pkce=require_pkce if require_pkce is not None else bool(client and client.require_pkce),
        )
        if client is None:
            registered = create_client(settings, owner=owner)
        else:
            update_client(client, settings)
            if owner is not None and client.owner_id != owner.pk:
                client.owner = owner
                client.save(update_fields=["owner", "updated"])
            if rotate_secret:
                client.client_secret = seal(secrets.token_urlsafe(48))
                client.save(update_fields=["client_secret", "updated"])
            registered = RegisteredClient(client, open_sealed(client.client_secret), created=False)
        record_client_event(
            EventKind.CLIENT_REGISTERED,
            registered.client,
            redirect_uris=registered.client.redirect_uris.split(),
            secret_rotated=registered.created or rotate_secret,
        )
        return registered
