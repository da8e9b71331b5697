from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountlink.kit.contacts import HasContacts


def age_on(birth_date: date, day: date) -> int:
    """Full years between a birth date and a day."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class AccountType(models.TextChoices):
    PERSONAL = "personal", _("Personal account")
    BUSINESS = "business", _("Business account")
    ORGANIZATION = "organization", _("Organization account")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DELETED = "deleted", _("Deleted")


class LoopAccountManager(BaseUserManager["LoopAccount"]):
    def get_by_natural_key(self, username: str | None) -> LoopAccount:
        return self.get(handle=(username or "").lstrip("@").lower())


# django-oauth-toolkit is untyped, so the plugin cannot see the manager its Client.user relation adds.
class LoopAccount(HasContacts, AbstractBaseUser):  # type: ignore[django-manager-missing]
    """A Loop ("organic") account. Usable once its email or phone is verified."""

    handle = models.CharField(_("username"), max_length=24, unique=True)
    display_name = models.CharField(_("name"), max_length=60)
    email = models.EmailField(_("email"), null=True, blank=True, unique=True)
    phone = models.CharField(_("phone number"), max_length=20, null=True, blank=True, unique=True)
    birth_date = models.DateField(_("birthday"))
    account_type = models.CharField(max_length=16, choices=AccountType.choices, default=AccountType.PERSONAL)
    status = models.CharField(max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    status_reason = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, default="en")
    is_support_agent = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "handle"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name", "birth_date"]

    objects = LoopAccountManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="loop_account_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.status == AccountStatus.ACTIVE and self.verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.is_support_agent

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())
