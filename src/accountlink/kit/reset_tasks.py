"""Forgot password, answered without a hint: the page queues one task for any identifier, and the
worker looks the account up and sends the code (DESIGN §8, no enumeration in content or time).

The identifier waits sealed in the task table, like every notification payload.
"""

from __future__ import annotations

import json

from django.db import transaction
from django_tasks import task

from accountlink.kit.accounts import actions as accounts
from accountlink.kit.conf import platform_settings
from accountlink.kit.crypto import open_sealed, seal
from accountlink.kit.enqueue import enqueue_task

SEND_CODE_TASK = "accountlink.kit.reset_tasks.send_password_reset_code"


def request_password_reset(identifier: str, language: str) -> None:
    """The same work for every identifier, known or not: one task row."""
    with transaction.atomic(durable=True):
        enqueue_task(SEND_CODE_TASK, seal(json.dumps({"identifier": identifier, "language": language})))


@task()
def send_password_reset_code(sealed: str) -> None:
    request = json.loads(open_sealed(sealed))
    find_account = platform_settings.ACCOUNT_LOOKUP
    account = find_account(request["identifier"], request["language"])
    contact = accounts.reset_contact(account, request["identifier"], request["language"]) if account else None
    accounts.do_start_password_reset(account, contact, request["language"])
