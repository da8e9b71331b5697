"""Fixtures for the Django test runs (one per platform; see the Makefile)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from django.core.management import call_command

from accountlink.kit.notify import outbox as outbox_module


class Outbox:
    """The development outbox of the test, as the user would read it."""

    def __init__(self, directory: Path, platform: str) -> None:
        self.directory = directory
        self.platform = platform

    def messages(self, to: str | None = None) -> list[outbox_module.OutboxMessage]:
        return outbox_module.read(self.directory, platform=self.platform, to=to)

    def last(self, to: str) -> outbox_module.OutboxMessage:
        found = self.messages(to)
        assert found, f"nothing was sent to {to}"
        return found[-1]

    def code_for(self, to: str) -> str:
        match = re.search(r"(?<!\d)(\d{6})(?!\d)", self.last(to).body)
        assert match, "the last message has no code"
        return match.group(1)


@pytest.fixture(autouse=True)
def outbox(settings: Any, tmp_path: Path) -> Outbox:
    settings.ACCOUNTLINK_OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "accountlink.kit.notify.backends.OutboxEmailBackend"
    settings.ACCOUNTLINK_SMS_BACKEND = "accountlink.kit.notify.sms.OutboxSmsBackend"
    return Outbox(tmp_path / "outbox", settings.ACCOUNTLINK_PLATFORM)


@pytest.fixture
def run_tasks(db: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run every queued task with the real database worker, as a deployment's worker would."""
    # The worker drops connections it thinks are stale; inside a test's transaction that would
    # close the test's own connection (Django's test client suppresses the same call for requests).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda **kwargs: None)

    def run() -> None:
        call_command(
            "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0, interval=0.1
        )

    return run


@pytest.fixture
def sent(outbox: Outbox, run_tasks: Any) -> Outbox:
    """The outbox after the queued tasks ran."""
    run_tasks()
    return outbox


class Metrics:
    """``/metrics`` as Prometheus scrapes it (through a client of its own), summed over matching samples."""

    def __init__(self, token: str = "") -> None:
        from django.test import Client

        self.client = Client()
        self.token = token

    def text(self) -> str:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        response = self.client.get("/metrics", **headers)
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    def value(self, name: str, **labels: str) -> float:
        from prometheus_client.parser import text_string_to_metric_families

        return sum(
            sample.value
            for family in text_string_to_metric_families(self.text())
            for sample in family.samples
            if sample.name == name and all(sample.labels.get(key) == value for key, value in labels.items())
        )


@pytest.fixture
def metrics_on(settings: Any) -> Metrics:
    """Metrics turned on (``ACCOUNTLINK_METRICS``), without a token; returns their scraper."""
    settings.ACCOUNTLINK_METRICS = True
    settings.ACCOUNTLINK_METRICS_TOKEN = ""
    return Metrics()


OTHER_PLATFORM = "https://other-platform.test"


@pytest.fixture
def other_platform(settings: Any) -> Iterator[responses.RequestsMock]:
    """The other platform at ``OTHER_PLATFORM``, whose ``/healthz`` answers 200 unless a test replaces it;
    loopback goes through (a closed port is really closed). /readyz forgets its last probe before and after."""
    from accountlink.kit.health import forget_probe

    settings.ACCOUNTLINK_OTHER_PLATFORM_URL = OTHER_PLATFORM
    forget_probe()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(re.compile(r"https?://(localhost|127\.0\.0\.1)(:\d+)?/"))
        mock.get(f"{OTHER_PLATFORM}/healthz", json={"status": "ok"})
        yield mock
    forget_probe()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: a request's language (a login brings the account's)
    stays active in the thread after it, as in any Django process, and must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
