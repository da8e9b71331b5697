"""Fixtures for the Django test runs (one per platform; see the Makefile)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
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
