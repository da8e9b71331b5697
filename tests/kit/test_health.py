"""/healthz, /readyz, /metrics and request ids (kit.health, kit.metrics, kit.requestid), on Loop.

Loop for Business serves the same endpoints: tests/business/test_health.py.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from typing import Any

import pytest
import requests
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accountlink.kit import health
from accountlink.kit.logfilters import JsonFormatter, RequestId
from accountlink.kit.requestid import _current, outbound_headers
from tests.consumer.conftest import PASSWORD
from tests.django_fixtures import OTHER_PLATFORM

pytestmark = pytest.mark.django_db


def log_in(browser: Any, identifier: str, password: str) -> Any:
    return browser.post(reverse("loop:login"), {"identifier": identifier, "password": password})


# -- /healthz and /readyz --------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_when_the_database_the_cache_and_the_other_platform_answer(
    client: Client, other_platform: Any
) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": {"status": "ok"}, "cache": {"status": "ok"}, "other_platform": {"status": "ok"}},
    }


def test_readyz_names_a_database_that_is_down(client: Client, other_platform: Any, monkeypatch: Any) -> None:
    class DownDatabase:
        def cursor(self) -> Any:
            raise OperationalError("could not connect to server: password=hunter2 host=db.internal")

    monkeypatch.setattr(health, "connection", DownDatabase())
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == {"status": "down", "reason": "OperationalError"}
    assert body["checks"]["cache"] == {"status": "ok"}
    assert "hunter2" not in response.content.decode() and "db.internal" not in response.content.decode()


def test_readyz_names_a_cache_that_is_down(client: Client, other_platform: Any, settings: Any) -> None:
    closed = free_port()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{closed}"}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"status": "down", "reason": "ConnectionError"}
    assert response.json()["checks"]["database"] == {"status": "ok"}


def test_readyz_names_the_other_platform_when_nothing_listens_there(
    client: Client, other_platform: Any, settings: Any
) -> None:
    settings.ACCOUNTLINK_OTHER_PLATFORM_URL = f"http://127.0.0.1:{free_port()}"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["other_platform"] == {"status": "down", "reason": "unreachable"}


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"status": 503, "json": {"status": "down"}}, "http_503"),
        ({"body": requests.exceptions.ConnectTimeout()}, "timeout"),
        ({"body": requests.exceptions.ConnectionError()}, "unreachable"),
    ],
)
def test_readyz_says_how_the_other_platform_failed(
    client: Client, other_platform: Any, answer: dict[str, Any], reason: str
) -> None:
    other_platform.replace("GET", f"{OTHER_PLATFORM}/healthz", **answer)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["other_platform"] == {"status": "down", "reason": reason}


def test_readyz_asks_the_other_platform_once_every_few_seconds(client: Client, other_platform: Any) -> None:
    for _ in range(20):
        assert client.get("/readyz").status_code == 200
    assert len(other_platform.calls) == 1


def test_readyz_passes_its_request_id_to_the_other_platform(client: Client, other_platform: Any) -> None:
    response = client.get("/readyz", HTTP_X_REQUEST_ID="probe-42")
    assert response["X-Request-ID"] == "probe-42"
    assert other_platform.calls[0].request.headers["X-Request-ID"] == "probe-42"


def test_readyz_skips_the_other_platform_when_none_is_configured(
    client: Client, other_platform: Any, settings: Any
) -> None:
    settings.ACCOUNTLINK_OTHER_PLATFORM_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["other_platform"] == {"status": "skipped"}


def test_probes_over_plain_http_are_not_redirected_but_pages_are(client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301
    assert client.get("/metrics").status_code == 301


def test_probes_still_need_an_allowed_host(client: Client) -> None:
    assert client.get("/healthz", HTTP_HOST="attacker.example").status_code == 400


# -- /metrics -----------------------------------------------------------------------------------------


def test_metrics_are_not_found_while_off(client: Client, settings: Any) -> None:
    settings.ACCOUNTLINK_METRICS = False
    assert client.get("/metrics").status_code == 404


def test_metrics_with_a_token_refuse_a_missing_or_wrong_one(client: Client, metrics_on: Any, settings: Any) -> None:
    settings.ACCOUNTLINK_METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="s3cret-scrape-token").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200
    assert "accountlink_http_requests_total" in response.content.decode()


def test_requests_are_counted_by_view_and_status_class_with_their_latency(client: Client, metrics_on: Any) -> None:
    before = metrics_on.value("accountlink_http_requests_total", view="loop:login", status="2xx")
    timed = metrics_on.value("accountlink_http_request_duration_seconds_count", view="loop:login")
    client.get(reverse("loop:login"))
    client.get(reverse("loop:login"))
    client.get("/no-such-page/")
    assert metrics_on.value("accountlink_http_requests_total", view="loop:login", status="2xx") == before + 2
    assert metrics_on.value("accountlink_http_request_duration_seconds_count", view="loop:login") == timed + 2
    assert metrics_on.value("accountlink_http_requests_total", view="unmatched", status="4xx") >= 1


def test_logins_and_failed_logins_are_counted(client: Client, metrics_on: Any, loop_account: Any) -> None:
    succeeded = metrics_on.value("accountlink_logins_total", outcome="succeeded")
    failed = metrics_on.value("accountlink_logins_total", outcome="failed")
    assert log_in(client, "sakura", "not-the-password").status_code == 200
    assert log_in(Client(), "nobody-at-all", "not-the-password").status_code == 200  # no such account: counted too
    assert log_in(client, "sakura", PASSWORD).status_code == 302
    assert metrics_on.value("accountlink_logins_total", outcome="failed") == failed + 2
    assert metrics_on.value("accountlink_logins_total", outcome="succeeded") == succeeded + 1


def test_codes_sent_are_counted_once_committed(
    client: Client, metrics_on: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = metrics_on.value("accountlink_codes_sent_total", channel="email")
    signup = {
        "display_name": "Aiko Mori",
        "handle": "aiko_m",
        "contact": "aiko@example.com",
        "birth_date": "1999-07-07",
        "password": "a-long-and-unusual-password",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("loop:signup"), signup).status_code == 302
    assert metrics_on.value("accountlink_codes_sent_total", channel="email") == before + 1


def test_throttled_guesses_are_counted_by_door(client: Client, metrics_on: Any, loop_account: Any) -> None:
    before = metrics_on.value("accountlink_throttled_total", door="login")
    for number in range(30):
        if b'data-error-code="auth.throttled"' in log_in(client, "sakura", f"guess-{number}").content:
            break
    else:
        pytest.fail("the guesses were never throttled")
    assert metrics_on.value("accountlink_throttled_total", door="login") == before + 1


def test_outbound_calls_of_every_process_add_up(metrics_on: Any) -> None:
    """The worker and each gunicorn worker are processes of their own; /metrics counts them all."""
    from accountlink.kit import metrics

    before = metrics_on.value("accountlink_outbound_calls_total", kind="webhook", outcome="ok")
    metrics.record_outbound_call("webhook", "ok", 0.25)
    other_process = (
        "import django; django.setup(); from accountlink.kit import metrics; "
        "[metrics.record_outbound_call('webhook', 'ok', 0.5) for _ in range(3)]"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "accountlink.settings.test_consumer", "ACCOUNTLINK_METRICS": "1"}
    subprocess.run([sys.executable, "-c", other_process], env=env, check=True, timeout=120)
    assert metrics_on.value("accountlink_outbound_calls_total", kind="webhook", outcome="ok") == before + 4
    assert metrics_on.value("accountlink_outbound_call_duration_seconds_count", kind="webhook") >= 4


def test_the_webhook_backlog_is_a_gauge(metrics_on: Any) -> None:
    text = metrics_on.text()
    assert 'accountlink_outbound_backlog{kind="webhook"} 0.0' in text
    assert 'accountlink_outbound_oldest_pending_seconds{kind="webhook"} 0.0' in text


# -- request ids and logs ---------------------------------------------------------------------------


def test_a_safe_request_id_is_echoed(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.9_Z-1")
    assert response["X-Request-ID"] == "lb-7f3a.9_Z-1"


@pytest.mark.parametrize("unsafe", ["", "has space", "<script>", "a" * 65, "line\nbreak", "ünïcode"])
def test_an_unsafe_or_missing_request_id_is_replaced(client: Client, unsafe: str) -> None:
    headers = {"HTTP_X_REQUEST_ID": unsafe} if unsafe else {}
    response = client.get("/login/", **headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_id(client: Client) -> None:
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_outside_a_request_there_is_no_id_to_pass_on() -> None:
    assert outbound_headers() == {}


def test_json_logs_carry_the_request_id() -> None:
    record = logging.LogRecord("accountlink", logging.WARNING, __file__, 1, "refused %s", ("x",), None)
    token = _current.set("req-123")
    try:
        RequestId().filter(record)
    finally:
        _current.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-123"
    assert line["message"] == "refused x" and line["level"] == "WARNING" and line["logger"] == "accountlink"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
