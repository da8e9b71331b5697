"""Loop's side of OAuth: registered clients, per-client open_ids and app permissions.

Tokens and authorization codes are django-oauth-toolkit's own models; the validator
(``validators.py``) is the only seam between oauthlib and these tables, and ``credentials.py`` the
only place a token, a code or a client secret is looked up by what a caller presents.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication

from .scopes import format_scopes, parse_scopes


class Client(AbstractApplication):
    """A registered app such as Loop for Business.

    ``client_secret`` holds the secret sealed with ``kit.crypto`` (never a password hash: it is
    checked on every token request and also keys webhook signatures, DESIGN §8).
    """

    class Platform(models.TextChoices):
        """Where the app runs (TikTok's Login Kit for Web and for Desktop): the redirect URI rules and
        whether PKCE is required follow from it."""

        WEB = "web", _("Web")
        DESKTOP = "desktop", _("Desktop")

    webhook_url: models.URLField[str, str] = models.URLField(_("webhook URL"), blank=True, max_length=500)
    allowed_scopes: models.CharField[str, str] = models.CharField(max_length=200)
    platform: models.CharField[str, str] = models.CharField(
        _("platform"), max_length=16, choices=Platform.choices, default=Platform.WEB
    )
    # PKCE is required of desktop apps always, and of a web app whose owner asks for it (DESIGN §8).
    require_pkce: models.BooleanField[bool, bool] = models.BooleanField(_("require PKCE"), default=False)
    description: models.TextField[str, str] = models.TextField(_("description"), blank=True, max_length=1000)
    # The Loop account that manages the app on Loop for Developers; none for apps registered only from
    # the command line until an owner is named.
    owner: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_clients"
    )
    registered_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(default=timezone.now)

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"

    def scope_list(self) -> list[str]:
        return parse_scopes(self.allowed_scopes)

    @property
    def pkce_required(self) -> bool:
        return self.platform == self.Platform.DESKTOP or self.require_pkce


def new_open_id() -> str:
    return secrets.token_urlsafe(24)


class ClientOpenId(models.Model):
    """The pseudonymous id one client knows a Loop account by (``open_id`` differs per client)."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="open_ids")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="open_ids")
    value = models.CharField(max_length=64, unique=True, default=new_open_id)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "client"], name="one_open_id_per_client")]

    def __str__(self) -> str:
        return self.value


class AppPermission(models.Model):
    """What a Loop account holder let one app do, and since when: the rows of "Manage app permissions"."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_permissions")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="permissions")
    scopes = models.CharField(max_length=200)
    granted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "client"], name="one_permission_per_client")]
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.account_id} → {self.client_id}: {self.scopes}"

    def scope_list(self) -> list[str]:
        return parse_scopes(self.scopes)

    def covers(self, scopes: list[str]) -> bool:
        return set(scopes) <= set(self.scope_list())

    def set_scopes(self, scopes: list[str]) -> None:
        self.scopes = format_scopes(scopes)


class RedeemedCode(models.Model):
    """Remembers a used authorization code (by digest) so a replay can revoke what it issued (RFC 9700)."""

    code_digest = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    token_family = models.UUIDField(null=True)
    redeemed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code_digest[:12]


class GrantEnding(models.Model):
    """An app permission that ended, in the order they ended: the log an app reads to catch up on the
    ``authorization.removed`` webhooks it may have missed (``/v2/oauth/grant_endings/``, issue 18).

    Written in the transaction that ends the permission, whether or not the app has a webhook URL.
    ``reason`` is the webhook's ``content.reason`` (TikTok's numbering).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="grant_endings")
    open_id = models.CharField(max_length=64)
    reason = models.PositiveSmallIntegerField()
    ended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "ended_at", "id"], name="grant_ending_log")]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.open_id} ({self.ended_at:%Y-%m-%d %H:%M:%S})"
