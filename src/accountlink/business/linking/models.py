"""The business side of a link: which Loop account (by open_id) a business account is linked to."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accountlink.kit.crypto import open_sealed, seal
from accountlink.kit.outbound.models import OutboundCall


class LoopLink(models.Model):
    """One business account ↔ one Loop account (R1: both columns are unique in the database).

    Loop is known only by ``open_id``; the handle, name and avatar are what Loop's user info said
    last, for display. Tokens are sealed at rest (``kit.crypto``, rotatable keys).
    """

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loop_link")
    open_id = models.CharField(max_length=64, unique=True)
    union_id = models.CharField(max_length=64, blank=True)
    username = models.CharField(max_length=64, blank=True)
    display_name = models.CharField(max_length=100, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    scopes = models.CharField(max_length=200)
    sealed_access_token = models.TextField()
    sealed_refresh_token = models.TextField()
    access_expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField()
    linked_at = models.DateTimeField(default=timezone.now)
    profile_checked_at = models.DateTimeField(default=timezone.now)
    # When the reconciliation's rolling check last asked Loop about this link's grant.
    grant_checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Support finds an account by its Loop @username, whatever its case (kit.lookups).
            models.Index(Lower("username"), name="loop_link_username_ci"),
            # The rolling check takes the links checked longest ago.
            models.Index(fields=["grant_checked_at", "id"], name="loop_link_grant_checked"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} ↔ {self.open_id}"

    @property
    def access_token(self) -> str:
        return open_sealed(self.sealed_access_token)

    @property
    def refresh_token(self) -> str:
        return open_sealed(self.sealed_refresh_token)

    def store_tokens(
        self, access_token: str, refresh_token: str, access_expires_at: datetime, refresh_expires_at: datetime
    ) -> None:
        self.sealed_access_token = seal(access_token)
        self.sealed_refresh_token = seal(refresh_token)
        self.access_expires_at = access_expires_at
        self.refresh_expires_at = refresh_expires_at

    def access_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.access_expires_at


class LoopRevocation(models.Model):
    """A grant to revoke at Loop (RFC 7009): the durable half of an unlink. Written in the transaction
    that ends or refuses a link; its ``call`` (kit.outbound) is tried, and tried again, until Loop
    confirms it."""

    call = models.OneToOneField(OutboundCall, on_delete=models.PROTECT, related_name="revocation")
    sealed_token = models.TextField()  # the grant's refresh token, sealed like the link's
    open_id = models.CharField(max_length=64, blank=True, db_index=True)  # support lists them by account
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"revocation {self.pk} ({self.call.status})"

    @property
    def token(self) -> str:
        return open_sealed(self.sealed_token)


class LinkRefresh(models.Model):
    """A refresh of a link's tokens and profile at Loop, asked for by a page that found them stale;
    its ``call`` (kit.outbound, kind ``refresh``) is made by a worker, so no page waits for Loop."""

    call = models.OneToOneField(OutboundCall, on_delete=models.PROTECT, related_name="link_refresh")
    link = models.ForeignKey(LoopLink, null=True, on_delete=models.SET_NULL, related_name="refreshes")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"refresh of link {self.link_id} ({self.call.status})"


class HeldCode(models.Model):
    """An authorization code being exchanged at Loop, kept (sealed, with its PKCE verifier) until the
    tokens it brings are held. If the process dies while Loop answers, its ``call`` (kit.outbound,
    kind ``code_replay``) presents the code again: Loop then revokes whatever the code issued
    (RFC 9700 §4.5), or issues tokens that are revoked at once."""

    call = models.OneToOneField(OutboundCall, on_delete=models.PROTECT, related_name="held_code")
    sealed_code = models.TextField()
    sealed_verifier = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"held code {self.pk} ({self.call.status})"


class HeldSignIn(models.Model):
    """**Continue with Loop** for a Loop account that is not linked: the tokens and identity Loop gave,
    held while the person chooses what to do with them (a new business account, or one of theirs to
    link). Bound to the browser that started the flow (only the hash of the key its session keeps is
    stored), short-lived and used once; the tokens' revocation at Loop is queued for when it expires,
    and a choice that keeps them cancels it (``actions.choice``)."""

    key_hash = models.CharField(max_length=64, unique=True)
    open_id = models.CharField(max_length=64)
    union_id = models.CharField(max_length=64, blank=True)
    username = models.CharField(max_length=64, blank=True)
    display_name = models.CharField(max_length=100, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    scopes = models.CharField(max_length=200)
    sealed_access_token = models.TextField()
    sealed_refresh_token = models.TextField()
    access_expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"held sign-in {self.pk} of {self.open_id}"


class ReconcileState(models.Model):
    """Where the reconciliation is (one row): how far it has read Loop's log of grant endings, and
    the lease that keeps two passes from running at once."""

    endings_read_until = models.FloatField(null=True, blank=True)  # Unix time of the last ending read
    lease_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"endings read until {self.endings_read_until}"
