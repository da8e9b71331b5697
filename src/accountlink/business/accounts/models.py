from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountlink.kit.contacts import HasContacts


class BusinessAccountManager(BaseUserManager["BusinessAccount"]):
    def get_by_natural_key(self, username: str | None) -> BusinessAccount:
        return self.get(email=(username or "").lower())


class BusinessAccount(HasContacts, AbstractBaseUser):
    """A Loop for Business user. Logs in with email or phone and a password.

    The password may be unusable (an account created through "Continue with Loop"), and the
    account may have neither email nor phone; such an account can only log in through Loop.
    """

    email = models.EmailField(_("email"), null=True, blank=True, unique=True)
    phone = models.CharField(_("phone number"), max_length=20, null=True, blank=True, unique=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    language = models.CharField(max_length=8, default="en")
    account_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_accounts"
    )
    is_account_manager = models.BooleanField(default=False)
    is_support_agent = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        # Logins and searches by email ignore case (kit.lookups.equals_ignoring_case): this index serves them.
        indexes = [models.Index(Lower("email"), name="business_account_email_ci")]

    objects = BusinessAccountManager()

    def __str__(self) -> str:
        return self.email or self.phone or f"#{self.pk}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.is_support_agent or self.is_account_manager

    @property
    def name(self) -> str:
        return self.display_name or str(self)
