from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext


def platform(request: HttpRequest) -> dict[str, Any]:
    brand = settings.ACCOUNTLINK_BRAND
    return {
        "brand": brand,
        "business_brand": gettext("%(brand)s for Business") % {"brand": brand},
        "platform": settings.ACCOUNTLINK_PLATFORM,
        "demo_mode": settings.ACCOUNTLINK_DEMO_MODE,
        "language_url": reverse(
            "loop:set_language" if settings.ACCOUNTLINK_PLATFORM == "consumer" else "business:set_language"
        ),
    }
