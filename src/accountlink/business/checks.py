"""System checks of Loop for Business's provider settings (STYLE rule 8): with linking on (a client
key set), the configuration must be complete before the first person presses Link Loop account.

Registered by ``business.linking``'s app config. Ids: docs/deploy.md, "Linking to Loop or to TikTok".
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.core import checks

from accountlink.kit.conf import PREFIX

from .conf import PROVIDERS, business_settings

LOOPBACK_NAMES = {"localhost"}


@checks.register()
def check_provider_settings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if business_settings.LOOP_PROVIDER not in PROVIDERS:
        errors.append(checks.Error(f"{PREFIX}LOOP_PROVIDER must be one of {', '.join(PROVIDERS)}.", id="business.E001"))
    if not business_settings.LOOP_CLIENT_KEY:
        return errors  # linking is off: nothing is called
    if not business_settings.LOOP_CLIENT_SECRET:
        errors.append(
            checks.Error(
                f"{PREFIX}LOOP_CLIENT_KEY is set but {PREFIX}LOOP_CLIENT_SECRET is not.",
                hint="Set both, as the provider issued them, or neither (linking off).",
                id="business.E002",
            )
        )
    for name, url in business_settings.endpoints().items():
        if name in {"LOOP_INTROSPECT_URL", "LOOP_GRANT_ENDINGS_URL"} and not url:
            continue  # optional: TikTok has neither
        errors += _check_endpoint(PREFIX + name, url)
    return errors


def _check_endpoint(name: str, url: str) -> list[checks.CheckMessage]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return [
            checks.Error(
                f"{name} must be an absolute http(s) address, not {url!r}.",
                hint=f"Set {PREFIX}LOOP_URL (Loop), {PREFIX}LOOP_PROVIDER = 'tiktok', or {name} itself.",
                id="business.E003",
            )
        ]
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return [
            checks.Error(
                f"{name} uses http on {parts.hostname}: tokens and the client secret would cross the network "
                "in the clear.",
                hint="Use https; plain http is for loopback addresses (127.0.0.1, ::1, localhost) only.",
                id="business.E004",
            )
        ]
    return []


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
