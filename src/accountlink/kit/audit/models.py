from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """Every kind of state change either platform audits. Labels are shown on Security activity."""

    ACCOUNT_CREATED = "account.created", _("Account created")
    CONTACT_VERIFIED = "account.contact_verified", _("Email or phone verified")
    LOGIN = "login.succeeded", _("Logged in")
    LOGIN_FAILED = "login.failed", _("Failed login attempt")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGED = "password.changed", _("Password changed")
    PASSWORD_RESET = "password.reset", _("Password reset with a code")
    CODE_SENT = "code.sent", _("Verification code sent")
    EMAIL_CHANGED = "email.changed", _("Email address changed")
    PHONE_CHANGED = "phone.changed", _("Phone number changed")
    PROFILE_CHANGED = "profile.changed", _("Profile updated")
    LANGUAGE_CHANGED = "language.changed", _("Language changed")
    ACCOUNT_TYPE_CHANGED = "account.type_changed", _("Account type changed")
    ACCOUNT_SUSPENDED = "account.suspended", _("Account suspended")
    ACCOUNT_RESTORED = "account.restored", _("Account restored")
    AD_ACCOUNT_CREATED = "ad_account.created", _("Ad account created")
    CLIENT_REGISTERED = "oauth.client_registered", _("App registered")
    CLIENT_UPDATED = "oauth.client_updated", _("App settings changed")
    CLIENT_SECRET_VIEWED = "oauth.client_secret_viewed", _("App secret viewed")
    CLIENT_SECRET_ROTATED = "oauth.client_secret_rotated", _("App secret rotated")
    WEBHOOK_TEST_QUEUED = "webhook.test_queued", _("Test webhook sent")
    APP_AUTHORIZED = "oauth.app_authorized", _("App given access to your account")
    APP_TOKENS_ISSUED = "oauth.tokens_issued", _("App access tokens issued")
    APP_TOKENS_REVOKED = "oauth.tokens_revoked", _("App access tokens revoked")
    APP_ACCESS_REMOVED = "oauth.access_removed", _("App access removed")
    LOOP_LINKED = "link.created", _("Account linked")
    LOOP_LINK_REFUSED = "link.refused", _("Account link refused")
    LOOP_UNLINKED = "link.removed", _("Account unlinked")
    WEBHOOK_IGNORED = "webhook.ignored", _("Notice from the linked platform ignored")
    WEBHOOK_REPLAYED = "webhook.replayed", _("Webhook delivery replayed")
    OUTBOUND_REPLAYED = "outbound.replayed", _("Call to the other platform made again")
    ACCOUNT_DELETED = "account.deleted", _("Account deleted")
    BIRTH_DATE_CHANGED = "account.birth_date_changed", _("Date of birth changed")
    SUPPORT_CASE_OPENED = "support.case_opened", _("Support case opened")
    SUPPORT_EVIDENCE_RECORDED = "support.evidence_recorded", _("Proof of ownership recorded")
    SUPPORT_CASE_DECLINED = "support.case_declined", _("Support case declined")
    RECOVERY_APPROVED = "support.recovery_approved", _("Account recovery approved")
    RECOVERY_COMPLETED = "support.recovery_completed", _("Email or phone added through account recovery")
    REAUTHENTICATED = "login.reauthenticated", _("Confirmed it's you")
    SESSION_ENDED = "session.ended", _("Device logged out")
    OTHER_SESSIONS_ENDED = "session.others_ended", _("All other devices logged out")
    ALL_SESSIONS_ENDED = "session.all_ended", _("Logged out everywhere")


class AuditEvent(models.Model):
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=64, choices=EventKind.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            # Events of a kind about a Loop account's open_id (a link that ended, found again when
            # that Loop account comes back): the trail grows with every login; this stays a lookup.
            # Not a partial index: SQLite cannot use one when the kind is a bound parameter.
            models.Index(F("kind"), KeyTransform("open_id", "data"), name="audit_kind_open_id"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.account_id})"
