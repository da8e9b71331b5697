"""The 500 page and /favicon.ico, on both platforms (each platform's urls.py names them).

Django draws its 500 page without the context processors (no language, no brand, no styles: a
Japanese page said ``lang="en"``). This one draws the platform's own error page (``500.html`` in the
frame ``<ACCOUNTLINK_TEMPLATE_DIR>/error_base.html``, like 404 and 403) in the reader's language, as
someone who is not logged in sees it: the request's user and messages may be what failed. If even
that fails, a plain page that needs nothing but the language and the brand.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from accountlink.kit.brand import brand_names, site_name
from accountlink.kit.conf import platform_settings

logger = logging.getLogger(__name__)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    try:
        page = loader.render_to_string("500.html", {"user": AnonymousUser(), "messages": ()}, request)
    except Exception:
        logger.exception("The 500 page could not be drawn with its layout; a plain one was sent")
        page = loader.render_to_string(
            "kit/500_plain.html",
            {
                **brand_names(),
                "site_name": site_name(),
                "platform": platform_settings.PLATFORM,
                "LANGUAGE_CODE": get_language(),
            },
        )
    return HttpResponse(page, status=500)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and tools that ask for /favicon.ico get the platform's mark (pages link it themselves)."""
    return HttpResponseRedirect(static(f"accountlink/brand/{platform_settings.PLATFORM}-mark.svg"))
