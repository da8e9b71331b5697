"""System checks: invalid settings fail at start-up, not at the first request (STYLE rule 8).

They read the settings through ``kit.conf.platform_settings``, as the code does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from .conf import PREFIX, platform_settings
from .throttle.guard import override_errors


@checks.register()
def check_platform_settings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if platform_settings.PLATFORM not in {"consumer", "business"}:
        errors.append(checks.Error("ACCOUNTLINK_PLATFORM must be 'consumer' or 'business'.", id="accountlink.E001"))
    if not platform_settings.BRAND.strip():
        errors.append(checks.Error("ACCOUNTLINK_BRAND must not be empty.", id="accountlink.E002"))
    if not platform_settings.DEMO_MODE and not settings.DEBUG:
        if settings.EMAIL_BACKEND.endswith("OutboxEmailBackend"):
            errors.append(
                checks.Error(
                    "The development outbox is for demo mode; set EMAIL_HOST or EMAIL_BACKEND.", id="accountlink.E003"
                )
            )
        if not platform_settings.ENCRYPTION_KEYS:
            errors.append(checks.Error("Set ACCOUNTLINK_ENCRYPTION_KEYS outside demo mode.", id="accountlink.E004"))
    site = urlsplit(platform_settings.SITE_URL)
    if site.scheme not in {"http", "https"} or not site.netloc:
        errors.append(checks.Error("ACCOUNTLINK_SITE_URL must be an absolute http(s) address.", id="accountlink.E005"))
    for name in ("URL_NAMESPACE", "TEMPLATE_DIR"):
        if not getattr(platform_settings, name):
            errors.append(checks.Error(f"Set {PREFIX}{name} (the platform's own pages).", id="accountlink.E006"))
    try:
        platform_settings.SITE_NAME % {"brand": "", "business_brand": ""}
    except (KeyError, TypeError, ValueError):
        errors.append(
            checks.Error("ACCOUNTLINK_SITE_NAME may only use %(brand)s and %(business_brand)s.", id="accountlink.E007")
        )
    errors += _check_dotted_paths()
    errors += _check_throttle()
    return errors


def _check_throttle() -> list[checks.CheckMessage]:
    """The throttle's overrides, often given as JSON in the environment, are read whole at start-up."""
    try:
        overrides = platform_settings.THROTTLE
    except (ValueError, TypeError) as error:
        return [checks.Error(f"{PREFIX}THROTTLE is not a JSON object: {error}", id="accountlink.E009")]
    return [
        checks.Error(f"{PREFIX}THROTTLE: {problem}", id="accountlink.E009") for problem in override_errors(overrides)
    ]


def _check_dotted_paths() -> list[checks.CheckMessage]:
    """Every dotted path a setting names can be imported."""
    loads: list[tuple[str, Callable[[], object]]] = [
        ("ACCOUNT_LOOKUP", lambda: platform_settings.ACCOUNT_LOOKUP),
        ("HELP_SECTIONS", lambda: platform_settings.HELP_SECTIONS),
        ("SMS_BACKEND", lambda: import_string(platform_settings.SMS_BACKEND)),
    ]
    for name, paths in (
        ("OUTBOUND_SENDERS", platform_settings.OUTBOUND_SENDERS.values()),
        ("BACKLOG_SOURCES", platform_settings.BACKLOG_SOURCES),
        ("PERIODIC_TASKS", platform_settings.PERIODIC_TASKS),
    ):
        loads += [(name, functools.partial(import_string, path)) for path in paths]
    errors: list[checks.CheckMessage] = []
    for name, load in loads:
        try:
            load()
        except ImportError as error:
            errors.append(checks.Error(f"{PREFIX}{name}: {error}", id="accountlink.E008"))
    return errors
