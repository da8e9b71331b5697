"""/healthz, /readyz, /metrics and request ids on Loop for Business (the kit's endpoints; Loop's own
tests are in tests/kit/test_health.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accountlink.kit.outbound.models import OutboundCall
from tests.business.pages import PASSWORD, link, log_in, unlink
from tests.django_fixtures import OTHER_PLATFORM

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_asks_loop(client: Client, other_platform: Any) -> None:
    response = client.get("/readyz", HTTP_X_REQUEST_ID="lfb-probe-1")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert other_platform.calls[0].request.url == f"{OTHER_PLATFORM}/healthz"
    assert other_platform.calls[0].request.headers["X-Request-ID"] == "lfb-probe-1"


def test_readyz_is_not_ready_while_loop_is_unreachable(client: Client, other_platform: Any, settings: Any) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.ACCOUNTLINK_OTHER_PLATFORM_URL = f"http://127.0.0.1:{closed}"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not_ready",
        "checks": {
            "database": {"status": "ok"},
            "cache": {"status": "ok"},
            "other_platform": {"status": "down", "reason": "unreachable"},
        },
    }


def test_the_other_platform_is_loop_by_default(settings: Any) -> None:
    assert settings.ACCOUNTLINK_OTHER_PLATFORM_URL == settings.ACCOUNTLINK_LOOP_URL


def test_metrics_are_not_found_while_off(client: Client, settings: Any) -> None:
    settings.ACCOUNTLINK_METRICS = False
    assert client.get("/metrics").status_code == 404


def test_a_wrong_token_is_refused(client: Client, metrics_on: Any, settings: Any) -> None:
    settings.ACCOUNTLINK_METRICS_TOKEN = "scrape-me"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-you").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me").status_code == 200


def test_logins_are_counted(client: Client, metrics_on: Any, business_account: Any) -> None:
    succeeded = metrics_on.value("accountlink_logins_total", outcome="succeeded")
    failed = metrics_on.value("accountlink_logins_total", outcome="failed")
    log_in(client, business_account.email, "wrong-password")
    assert log_in(client, business_account.email, PASSWORD).status_code == 302
    assert metrics_on.value("accountlink_logins_total", outcome="failed") == failed + 1
    assert metrics_on.value("accountlink_logins_total", outcome="succeeded") == succeeded + 1


def test_links_unlinks_and_unlink_codes_are_counted(
    signed_in: Client,
    fake_loop: Any,
    metrics_on: Any,
    outbox: Any,
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    linked = metrics_on.value("accountlink_link_events_total", event="link.created")
    unlinked = metrics_on.value("accountlink_link_events_total", event="link.removed")
    codes = metrics_on.value("accountlink_codes_sent_total", purpose="unlink_loop")
    with django_capture_on_commit_callbacks(execute=True):
        link(signed_in, fake_loop, fake_loop.person("sakura", "Sakura Tanaka"))
    assert metrics_on.value("accountlink_link_events_total", event="link.created") == linked + 1
    with django_capture_on_commit_callbacks(execute=True):
        unlink(signed_in, outbox, run_tasks)
    assert metrics_on.value("accountlink_link_events_total", event="link.removed") == unlinked + 1
    assert metrics_on.value("accountlink_codes_sent_total", purpose="unlink_loop") == codes + 1


def test_pending_revocations_are_the_backlog(metrics_on: Any, capsys: Any) -> None:
    OutboundCall.objects.create(kind="revocation", created_at=timezone.now() - timedelta(minutes=5))
    OutboundCall.objects.create(kind="revocation")
    OutboundCall.objects.create(kind="revocation", status="done", done_at=timezone.now())
    OutboundCall.objects.create(kind="revocation", status="given_up", given_up_at=timezone.now())
    assert metrics_on.value("accountlink_outbound_backlog", kind="revocation") == 2
    assert 299 <= metrics_on.value("accountlink_outbound_oldest_pending_seconds", kind="revocation") < 400
    call_command("outbound_backlog", "--json")
    [row] = [row for row in json.loads(capsys.readouterr().out) if row["kind"] == "revocation"]
    assert row["kind"] == "revocation" and row["pending"] == 2 and 299 <= row["oldest_seconds"] < 400


def test_no_backlog_has_no_age(capsys: Any) -> None:
    call_command("outbound_backlog")
    assert capsys.readouterr().out.splitlines() == [
        "code_replay: 0 pending, oldest -",
        "refresh: 0 pending, oldest -",
        "revocation: 0 pending, oldest -",
    ]


def test_the_request_id_is_on_every_answer(client: Client) -> None:
    assert client.get("/login/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/login/", HTTP_X_REQUEST_ID="abc 123")["X-Request-ID"] != "abc 123"
