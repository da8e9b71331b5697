"""The platform's settings object (STYLE rule 8): defaults, overrides seen at once, and the system
checks that refuse invalid settings at start-up; and the one helper that queues a side effect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from accountlink.kit.brand import site_name
from accountlink.kit.checks import check_platform_settings
from accountlink.kit.conf import platform_settings
from accountlink.kit.enqueue import enqueue_task
from accountlink.kit.helplinks import help_url


def error_ids() -> set[str]:
    return {message.id for message in check_platform_settings(None) if message.id}


def test_a_setting_left_out_has_its_default(settings: Any) -> None:
    del settings.ACCOUNTLINK_THROTTLE_STORE
    del settings.ACCOUNTLINK_STAFF_SESSION_SECONDS
    del settings.ACCOUNTLINK_METRICS_DIR
    assert platform_settings.THROTTLE_STORE == "database"
    assert platform_settings.STAFF_SESSION_SECONDS == 60 * 60
    metrics_dir = Path(settings.DATA_DIR) / "metrics" / "consumer"  # <data dir>/metrics/<platform>
    assert metrics_dir == platform_settings.METRICS_DIR
    assert platform_settings.CODE_POLICY == {}


def test_an_override_is_seen_at_once(settings: Any) -> None:
    settings.ACCOUNTLINK_BRAND = "Wave"
    settings.ACCOUNTLINK_SITE_URL = "https://wave.example/"
    assert platform_settings.BRAND == "Wave"
    assert platform_settings.SITE_URL == "https://wave.example"  # without the trailing slash
    assert site_name() == "Wave"


def test_the_site_name_is_a_setting_not_a_platform_name(settings: Any) -> None:
    settings.ACCOUNTLINK_SITE_NAME = "%(business_brand)s"
    assert site_name() == "Loop for Business"


def test_without_a_table_of_help_sections_no_error_links_to_help(settings: Any) -> None:
    assert help_url("login.suspended")
    del settings.ACCOUNTLINK_HELP_SECTIONS
    assert help_url("login.suspended") == ""


def test_the_test_settings_pass_the_checks() -> None:
    assert check_platform_settings(None) == []


@pytest.mark.parametrize(
    "overrides",
    ['{"account": {"lock_after": 8}, "code.account": {"free_failures": 12}}', {"client": {"lock_after": 60}}],
)
def test_throttle_overrides_in_json_or_as_a_dict_pass_the_checks_and_are_read(settings: Any, overrides: Any) -> None:
    settings.ACCOUNTLINK_THROTTLE = overrides
    assert check_platform_settings(None) == []
    read = platform_settings.THROTTLE
    assert read == (json.loads(overrides) if isinstance(overrides, str) else overrides)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("ACCOUNTLINK_PLATFORM", "both", "accountlink.E001"),
        ("ACCOUNTLINK_BRAND", " ", "accountlink.E002"),
        ("ACCOUNTLINK_SITE_URL", "loop.example", "accountlink.E005"),
        ("ACCOUNTLINK_URL_NAMESPACE", "", "accountlink.E006"),
        ("ACCOUNTLINK_SITE_NAME", "%(company)s", "accountlink.E007"),
        ("ACCOUNTLINK_SMS_BACKEND", "accountlink.kit.notify.sms.NoSuchBackend", "accountlink.E008"),
        ("ACCOUNTLINK_OUTBOUND_SENDERS", {"webhook": "accountlink.nowhere.send"}, "accountlink.E008"),
        ("ACCOUNTLINK_HELP_SECTIONS", "accountlink.helpcontent.topics.NO_SUCH_TABLE", "accountlink.E008"),
        ("ACCOUNTLINK_THROTTLE", "{account: 3}", "accountlink.E009"),  # not JSON
        ("ACCOUNTLINK_THROTTLE", "[1, 2]", "accountlink.E009"),
        ("ACCOUNTLINK_THROTTLE", '{"acount": {"lock_after": 3}}', "accountlink.E009"),  # no such kind
        ("ACCOUNTLINK_THROTTLE", '{"code.account": {"lock_afer": 3}}', "accountlink.E009"),  # no such field
        ("ACCOUNTLINK_THROTTLE", '{"account": {"lock_after": 0}}', "accountlink.E009"),
        ("ACCOUNTLINK_THROTTLE", '{"account": {"lock_seconds": "900"}}', "accountlink.E009"),
        ("ACCOUNTLINK_THROTTLE", '{"account": 3}', "accountlink.E009"),
        ("ACCOUNTLINK_THROTTLE", {"client": {"free_failures": -1}}, "accountlink.E009"),
    ],
)
def test_an_invalid_setting_fails_the_checks(settings: Any, name: str, value: Any, error: str) -> None:
    setattr(settings, name, value)
    assert error in error_ids()


@pytest.mark.django_db(transaction=True)  # no transaction around the test: outside one means outside
def test_a_task_is_queued_in_the_callers_transaction_and_not_outside_one() -> None:
    path = "accountlink.kit.worker.requeue_abandoned_tasks"
    with pytest.raises(RuntimeError, match="inside the calling action's transaction"):
        enqueue_task(path)
    with transaction.atomic():
        enqueue_task(path, priority=5)
    assert DBTaskResult.objects.filter(task_path=path, priority=5, status="READY").count() == 1
