"""``/api/v1/``: the NinjaAPI instance and its routes (see ``endpoints.py``).

Docs: ``/api/v1/docs`` (Swagger UI, served locally) and ``/api/v1/openapi.json``; docs/api.md.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.urls import URLPattern, path, re_path
from ninja import NinjaAPI

from . import errors
from .endpoints import router

api = NinjaAPI(
    title="Loop for Business API",
    version="1",
    urls_namespace="api",
    auth=errors.session_auth,
    # Swagger UI's stylesheet draws its icons as data: images; nothing else on the site needs them.
    docs_decorator=csp_update({"img-src": "data:"}),
    description=(
        "The logged-in holder's link to a Loop account, and unlinking it with a verification code. "
        f"Authenticated by the login session of the web site (cookie `{settings.SESSION_COOKIE_NAME}`); "
        f"POST requests also need the CSRF token (cookie `{settings.CSRF_COOKIE_NAME}`) in the `X-CSRFToken` "
        'header. Every refusal is `{"code", "message"}` with the message in the request\'s language '
        "(the language cookie, then Accept-Language)."
    ),
)
api.add_router("", router)
errors.install(api)

# ``api.urls`` is (patterns, app name, namespace): included as a namespace so the docs can reverse it.
# (Not unpacked into module names: ``include()`` would take a module-level ``app_name`` for this module's.)
api_urls = api.urls
for pattern in api_urls[0]:
    if isinstance(pattern, URLPattern):
        pattern.callback = errors.json_method_not_allowed(pattern.callback)

urlpatterns = [
    path("", api_urls),
    re_path(r"", errors.not_found),  # anything else under /api/v1/
]
