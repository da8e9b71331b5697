from typing import Any

from django.http import HttpRequest
from django.urls import get_resolver, get_urlconf, reverse

from accountlink.kit.brand import brand_names, site_name
from accountlink.kit.conf import platform_settings


def platform(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout shows: the names, the platform's label (the page's class), demo mode,
    where the language switcher posts and the frame of the error pages."""
    return {
        **brand_names(),
        "site_name": site_name(),
        "platform": platform_settings.PLATFORM,
        "demo_mode": platform_settings.DEMO_MODE,
        "language_url": reverse(f"{platform_settings.URL_NAMESPACE}:set_language"),
        # What 404.html, 403.html, 403_csrf.html and 500.html extend: the platform's header and footer.
        "error_base": f"{platform_settings.TEMPLATE_DIR}/error_base.html",
        "help_center_url": help_center_url(),
    }


def help_center_url() -> str:
    """The help center's address where this site serves one (Loop for Business), else "". Asked of the
    URL resolver's namespaces first: a failed ``{% url … as … %}`` costs every Loop page ~0.3 ms."""
    return reverse("help:index") if "help" in get_resolver(get_urlconf()).namespace_dict else ""
