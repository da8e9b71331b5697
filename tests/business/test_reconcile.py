"""Reconciliation: Loop's log of ended grants, then a rolling check of the links' grants; the links
whose grant is gone end (R2; issue 18).

Through ``manage.py reconcile`` (what ``accountlink reconcile`` runs: the log and every link) and the
periodic task (the log and the links checked longest ago).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.linking.tasks import reconcile_links
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.business.fake_loop import FakeLoop, LoopPerson
from tests.business.pages import link

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def reconcile(*args: str) -> str:
    out = StringIO()
    call_command("reconcile", *args, stdout=out)
    return out.getvalue()


def is_linked(account: BusinessAccount) -> bool:
    return LoopLink.objects.filter(account=account).exists()


def test_a_removal_whose_webhook_never_arrived_is_read_from_loops_log(
    two_links: dict[str, tuple[BusinessAccount, LoopPerson]], fake_loop: FakeLoop
) -> None:
    sakura_account, sakura = two_links["sakura"]
    hana_account, _hana = two_links["hana"]
    fake_loop.remove_access(sakura)  # removed on Loop, and the webhook never arrived

    output = reconcile()

    assert output.splitlines() == [
        f"Ended the link of business account #{sakura_account.pk} to @sakura: its grant is gone on Loop.",
        "Read 1 ended grant from Loop's log.",
        "Checked 1 link; ended 1.",  # hana's; sakura's link had ended already
    ]
    assert not is_linked(sakura_account)
    assert is_linked(hana_account)
    event = AuditEvent.objects.get(account=sakura_account, kind=EventKind.LOOP_UNLINKED)
    assert event.actor is None
    assert (event.data["reason"], event.data["via"]) == ("removed_on_loop", "grant_log")
    assert not AuditEvent.objects.filter(account=hana_account, kind=EventKind.LOOP_UNLINKED).exists()
    assert not LoopRevocation.objects.exists()  # nothing left to revoke at Loop


def test_a_grant_gone_without_a_trace_in_the_log_is_found_by_asking_about_the_link(
    two_links: dict[str, tuple[BusinessAccount, LoopPerson]], fake_loop: FakeLoop
) -> None:
    sakura_account, sakura = two_links["sakura"]
    fake_loop.remove_access(sakura, logged=False)

    assert reconcile().splitlines() == [
        f"Ended the link of business account #{sakura_account.pk} to @sakura: its grant is gone on Loop.",
        "Read 0 ended grants from Loop's log.",
        "Checked 2 links; ended 1.",
    ]
    event = AuditEvent.objects.get(account=sakura_account, kind=EventKind.LOOP_UNLINKED)
    assert event.data["reason"] == "reconciled"


def test_the_holder_is_told_when_reconciliation_ends_the_link(
    two_links: dict[str, tuple[BusinessAccount, LoopPerson]], fake_loop: FakeLoop, outbox: Any, run_tasks: Any
) -> None:
    run_tasks()
    fake_loop.remove_access(two_links["sakura"][1])  # read from Loop's log, with the holder's reason
    fake_loop.remove_access(two_links["hana"][1], logged=False)  # found by asking: the reason is unknown
    reconcile()
    run_tasks()
    email = outbox.last("sakura.biz@example.com")
    assert email.subject == "Your Loop account is no longer linked"
    assert "removed Loop for Business's access in the Loop app" in email.body
    assert "because Loop ended the access it had given" in outbox.last("hana.biz@example.com").body


def test_live_links_are_all_kept(two_links: dict[str, tuple[BusinessAccount, LoopPerson]], fake_loop: FakeLoop) -> None:
    assert reconcile().splitlines() == ["Read 0 ended grants from Loop's log.", "Checked 2 links; ended 0."]
    assert LoopLink.objects.count() == 2
    assert len(fake_loop.introspected) == 2


def test_no_links_is_said_plainly(db: None, fake_loop: FakeLoop) -> None:
    assert reconcile() == "Checked 0 links; ended 0.\n"  # with no link, no ending can matter


def test_one_link_is_counted_in_the_singular(make_business_account: Any, fake_loop: FakeLoop) -> None:
    browser = HttpClient()
    browser.force_login(make_business_account())
    link(browser, fake_loop, fake_loop.person("sakura"))
    assert reconcile() == "Read 0 ended grants from Loop's log.\nChecked 1 link; ended 0.\n"


def test_with_loop_down_nothing_changes_and_the_command_fails(
    two_links: dict[str, tuple[BusinessAccount, LoopPerson]], fake_loop: FakeLoop
) -> None:
    fake_loop.remove_access(two_links["sakura"][1], logged=False)
    fake_loop.down = True
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("reconcile", stdout=out)

    assert str(failed.value) == "Could not reach Loop, so the remaining links were not checked. Try again later."
    assert failed.value.returncode != 0
    assert out.getvalue().splitlines() == ["Checked 0 links; ended 0."]  # the log could not be read
    assert LoopLink.objects.count() == 2
    assert not AuditEvent.objects.filter(kind=EventKind.LOOP_UNLINKED).exists()


def test_the_periodic_task_reconciles_too(
    two_links: dict[str, tuple[BusinessAccount, LoopPerson]], fake_loop: FakeLoop, run_tasks: Any
) -> None:
    fake_loop.remove_access(two_links["hana"][1])
    reconcile_links.enqueue()
    run_tasks()
    assert is_linked(two_links["sakura"][0])
    assert not is_linked(two_links["hana"][0])


# -- the `accountlink reconcile` command, as a user runs it ----------------------------------------


def accountlink(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accountlink.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )


def clean_env(**extra: str) -> dict[str, str]:
    """A terminal's environment: none of the test settings, English messages."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACCOUNTLINK_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update({"LANGUAGE": "C", "LC_ALL": "C.UTF-8", **extra})
    return env


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_accountlink_reconcile_registers_the_business_platform_and_reconciles(tmp_path: Path) -> None:
    """The embedded default: the client key lives at Loop only, so the command registers as `up` does."""
    result = accountlink("reconcile", "--data-dir", str(tmp_path), env=clean_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Checked 0 links; ended 0.\n"


def test_accountlink_reconcile_says_when_loop_cannot_be_reached(tmp_path: Path) -> None:
    env = clean_env(
        ACCOUNTLINK_LOOP_CLIENT_KEY="cli-client-key",
        ACCOUNTLINK_LOOP_CLIENT_SECRET="cli-client-secret",
        ACCOUNTLINK_LOOP_URL=f"http://127.0.0.1:{closed_port()}",
    )
    data_dir = str(tmp_path)
    assert accountlink("manage", "--data-dir", data_dir, "business", "migrate", "-v", "0", env=env).returncode == 0
    grant = {
        "handle": "kenji",
        "user": {"open_id": "open-kenji", "username": "kenji", "display_name": "Kenji Sato"},
        "tokens": {"access_token": "a", "refresh_token": "r", "open_id": "open-kenji", "expires_in": 86400},
    }
    made = accountlink(
        "manage", "--data-dir", data_dir, "business", "load_demo_links", env=env, stdin=json.dumps([grant])
    )
    assert made.returncode == 0, made.stderr

    result = accountlink("reconcile", "--data-dir", data_dir, env=env)

    assert result.returncode == 1
    assert result.stdout == "Checked 0 links; ended 0.\n"  # Loop's log could not be read: nothing was asked
    assert result.stderr == (
        "accountlink: Could not reach Loop, so the remaining links were not checked. Try again later.\n"
    )
