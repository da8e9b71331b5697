"""The names people see, from ``ACCOUNTLINK_BRAND``: the consumer platform is "<brand>", the
business platform "<brand> for Business" (DESIGN §1), in the current language."""

from __future__ import annotations

from django.utils.translation import gettext

from accountlink.kit.conf import platform_settings


def brand_names() -> dict[str, str]:
    """``brand`` and ``business_brand``, to fill a message's placeholders."""
    brand = platform_settings.BRAND
    return {"brand": brand, "business_brand": gettext("%(brand)s for Business") % {"brand": brand}}


def site_name() -> str:
    """The name of this platform (``ACCOUNTLINK_SITE_NAME`` filled with the brand names)."""
    return platform_settings.SITE_NAME % brand_names()
