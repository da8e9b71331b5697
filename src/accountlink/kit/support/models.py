"""Support cases (DESIGN §4.6) and the single-use recovery links an approved case sends.

Both platforms keep their cases in their own database with this one model: a business account
holder who cannot log in, a Loop holder whose password reset cannot be completed, and a suspended
Loop holder's appeal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact


class CaseKind(models.TextChoices):
    RECOVERY = "recovery", _("Can't log in")
    APPEAL = "appeal", _("Suspension appeal")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class SupportCase(models.Model):
    kind = models.CharField(max_length=16, choices=CaseKind.choices)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    # The account the case is about: found from what the requester typed, or chosen by an agent.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_cases"
    )
    identifier = models.CharField(max_length=254)  # what the requester typed to name the account
    requester_name = models.CharField(max_length=100)
    # Where the requester asked to be answered; not (yet) an address of the account.
    reply_channel = models.CharField(max_length=8, choices=Channel.choices)
    reply_to = models.CharField(max_length=254)
    message = models.TextField(max_length=2000)
    language = models.CharField(max_length=8, default="en")
    evidence = models.TextField(blank=True)
    # When the requester signed in with the Loop account linked to the business account.
    proven_with_loop_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who sent it, as a hash of the client's network (kit.throttle.client_key), to cap the
    # acknowledgements one client can make the system send; and whether one was sent.
    source = models.CharField(max_length=64, blank=True)
    acknowledged = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["reply_to", "created_at"]),
            models.Index(fields=["source", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"#{self.pk:06d}" if self.pk else "#"

    @property
    def reply_contact(self) -> Contact:
        return Contact(Channel(self.reply_channel), self.reply_to)

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class RecoveryLink(models.Model):
    """A link, valid 24 hours and usable once, to register an email or phone on ``account``.

    Only a hash of its token is kept, like a password."""

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="recovery_links")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery link {self.pk} for {self.account_id}"
