from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class EndReason(models.TextChoices):
    LOGGED_OUT = "logged_out"  # the browser's own Log out
    LOGGED_OUT_ELSEWHERE = "logged_out_elsewhere"  # Log out on Manage devices / Sessions
    REPLACED = "replaced"  # the same browser logged in again
    PASSWORD_CHANGED = "password_changed"  # the other browsers, after a password change or reset
    ACCOUNT_SUSPENDED = "account_suspended"
    ACCOUNT_DELETED = "account_deleted"
    ACCOUNT_RESTORED = "account_restored"
    ACCOUNT_UNAVAILABLE = "account_unavailable"  # logged in while the account was being suspended


class AccountSession(models.Model):
    """One signed-in browser of an account: a row per login, kept after it ends.

    ``public_id`` names it in pages and URLs; the session key (the cookie's value) is never shown.
    The session itself stores ``public_id`` (see ``registry.SESSION_ID_KEY``), so the row follows it
    when Django rotates its key.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signed_in_at = models.DateTimeField(default=timezone.now)
    last_active_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=32, choices=EndReason.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.account_id})"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None
