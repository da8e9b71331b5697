"""Registering an app as an OAuth client of Loop, and changing it: the one action behind
``accountlink register-client`` and Loop for Developers (STYLE rule 1)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.crypto import open_sealed, seal

from .models import Client
from .scopes import SCOPES, format_scopes


@dataclass(frozen=True)
class RegisteredClient:
    client: Client
    client_secret: str
    created: bool


class ClientRegistrationError(ValueError):
    pass


def _check_redirect_uris(uris: list[str]) -> None:
    if not uris:
        raise ClientRegistrationError(_("at least one redirect URI is required"))
    validate = URLValidator(schemes=["http", "https"])
    for uri in uris:
        try:
            validate(uri)
        except ValidationError as error:
            raise ClientRegistrationError(_("not a valid redirect URI: %(uri)s") % {"uri": uri}) from error
        if "#" in uri:
            raise ClientRegistrationError(_("a redirect URI cannot have a fragment: %(uri)s") % {"uri": uri})


def do_register_client(
    *, name: str, redirect_uris: list[str], webhook_url: str, scopes: list[str], rotate_secret: bool = False
) -> RegisteredClient:
    """Register an app, or update the one of that name. Its secret is kept unless rotation is asked for."""
    _check_redirect_uris(redirect_uris)
    if webhook_url:
        try:
            URLValidator(schemes=["http", "https"])(webhook_url)
        except ValidationError as error:
            raise ClientRegistrationError(_("not a valid webhook URL: %(url)s") % {"url": webhook_url}) from error
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise ClientRegistrationError(
            _("unknown scopes: %(scopes)s (known: %(known)s)")
            % {"scopes": ", ".join(unknown) or "-", "known": ", ".join(SCOPES)}
        )
    with transaction.atomic(durable=True):
        client = Client.objects.select_for_update().filter(name=name).first()
        created = client is None
        if client is None:
            client = Client(
                name=name,
                client_id=secrets.token_urlsafe(18),
                client_type=Client.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
                hash_client_secret=False,
            )
        if created or rotate_secret:
            secret = secrets.token_urlsafe(48)
            client.client_secret = seal(secret)
        else:
            secret = open_sealed(client.client_secret)
        client.redirect_uris = " ".join(redirect_uris)
        client.webhook_url = webhook_url
        client.allowed_scopes = format_scopes(scopes)
        client.save()
        record(
            EventKind.CLIENT_REGISTERED,
            account=None,
            client=client.name,
            client_key=client.client_id,
            redirect_uris=redirect_uris,
            secret_rotated=created or rotate_secret,
        )
        return RegisteredClient(client, secret, created)
