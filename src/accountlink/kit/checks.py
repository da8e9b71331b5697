"""System checks: invalid setting combinations fail at start-up, not at the first request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register()
def check_platform_settings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if getattr(settings, "ACCOUNTLINK_PLATFORM", None) not in {"consumer", "business"}:
        errors.append(checks.Error("ACCOUNTLINK_PLATFORM must be 'consumer' or 'business'.", id="accountlink.E001"))
    if not settings.ACCOUNTLINK_BRAND.strip():
        errors.append(checks.Error("ACCOUNTLINK_BRAND must not be empty.", id="accountlink.E002"))
    if not settings.ACCOUNTLINK_DEMO_MODE and not settings.DEBUG:
        if settings.EMAIL_BACKEND.endswith("OutboxEmailBackend"):
            errors.append(
                checks.Error(
                    "The development outbox is for demo mode; set EMAIL_HOST or EMAIL_BACKEND.", id="accountlink.E003"
                )
            )
        if not settings.ACCOUNTLINK_ENCRYPTION_KEYS:
            errors.append(checks.Error("Set ACCOUNTLINK_ENCRYPTION_KEYS outside demo mode.", id="accountlink.E004"))
    return errors
