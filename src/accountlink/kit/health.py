"""/healthz, /readyz and /metrics on both platforms (docs/operations.md).

``/healthz`` says the process answers and touches nothing else. ``/readyz`` asks the database, the
cache and the other platform's ``/healthz`` (``ACCOUNTLINK_OTHER_PLATFORM_URL``), and names what did
not answer with a short reason, never an error's text. The other platform's answer is kept a few
seconds per process, so probing ``/readyz`` many times does not probe the other platform as often.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import requests
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accountlink.kit import metrics
from accountlink.kit.conf import platform_settings
from accountlink.kit.requestid import outbound_headers

PROBE_TIMEOUT_SECONDS = 2.0
PROBE_KEPT_SECONDS = 5.0

Check = dict[str, str]
OK: Check = {"status": "ok"}

_probe_lock = threading.Lock()
_last_probe: tuple[float, str, Check] | None = None  # (when, which address, result)


def down(reason: str) -> Check:
    return {"status": "down", "reason": reason}


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return down(type(error).__name__)
    return OK


def check_cache() -> Check:
    key, value = f"accountlink:readyz:{uuid.uuid4().hex}", "1"
    try:
        cache.set(key, value, 10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as error:  # any backend's failure (Redis, memcached) means "not ready"
        return down(type(error).__name__)
    return OK if answered == value else down("not_stored")


def probe_other_platform(url: str) -> Check:
    try:
        response = requests.get(
            url.rstrip("/") + "/healthz",
            timeout=PROBE_TIMEOUT_SECONDS,
            headers=outbound_headers(),
            allow_redirects=False,
        )
    except requests.Timeout:
        return down("timeout")
    except requests.RequestException:
        return down("unreachable")
    return OK if response.status_code == 200 else down(f"http_{response.status_code}")


def check_other_platform() -> Check:
    """The other platform's /healthz, asked at most once every few seconds per process."""
    global _last_probe
    url = platform_settings.OTHER_PLATFORM_URL
    if not url:
        return {"status": "skipped"}
    with _probe_lock:  # one probe at a time; the threads waiting get its answer
        now = time.monotonic()
        if _last_probe is not None and _last_probe[1] == url and now - _last_probe[0] < PROBE_KEPT_SECONDS:
            return _last_probe[2]
        result = probe_other_platform(url)
        _last_probe = (time.monotonic(), url, result)
        return result


def forget_probe() -> None:
    """Ask the other platform again at the next /readyz (tests, and a changed address)."""
    global _last_probe
    with _probe_lock:
        _last_probe = None


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks = {"database": check_database(), "cache": check_cache(), "other_platform": check_other_platform()}
    ready = all(check["status"] != "down" for check in checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "not_ready", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format; not found while metrics are off, 401 without the bearer token when one is set."""
    if not metrics.enabled():
        raise Http404
    token = platform_settings.METRICS_TOKEN
    if token and not constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}"):
        response = HttpResponse(status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]
