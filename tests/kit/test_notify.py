from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from accountlink.kit.codes.models import Channel
from accountlink.kit.notify.send import notify, send_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_notify_queues_a_task_in_the_transaction_and_the_worker_sends_it(sent: Any, run_tasks: Any) -> None:
    with transaction.atomic():
        notify(
            channel=Channel.EMAIL,
            to="a@example.com",
            template="code",
            language="en",
            context={"code": "123456", "purpose": "signup"},
        )
    assert DBTaskResult.objects.count() == 1
    assert sent.messages() == []
    run_tasks()
    message = sent.last("a@example.com")
    assert message.subject == "123456 is your Loop verification code"
    assert "123456" in message.body and "10 minutes" in message.body


def test_nothing_is_sent_when_the_transaction_rolls_back(sent: Any, run_tasks: Any) -> None:
    with pytest.raises(ValueError), transaction.atomic():
        notify(channel=Channel.EMAIL, to="a@example.com", template="welcome", language="en", context={"name": "A"})
        raise ValueError
    run_tasks()
    assert sent.messages() == []


def test_the_queued_payload_does_not_show_the_code() -> None:
    with transaction.atomic():
        notify(channel=Channel.SMS, to="+819012345678", template="code", language="en", context={"code": "987654"})
    stored = str(DBTaskResult.objects.get().args_kwargs)
    assert "987654" not in stored and "+819012345678" not in stored


def test_notify_outside_a_transaction_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        notify(channel=Channel.EMAIL, to="a@example.com", template="welcome", language="en")


@pytest.mark.parametrize(("language", "expected"), [("ja", "認証コード"), ("es", "código de verificación")])
def test_messages_are_written_in_the_recipient_language(outbox: Any, language: str, expected: str) -> None:
    send_now(
        channel="email",
        to="a@example.com",
        template="code",
        language=language,
        context={"code": "123456", "purpose": "signup"},
    )
    message = outbox.last("a@example.com")
    assert expected in (message.subject + message.body)
    assert message.html.startswith("<!doctype html>") and "123456" in message.html


def test_sms_uses_the_short_template(outbox: Any) -> None:
    send_now(channel="sms", to="+819012345678", template="code", language="en", context={"code": "123456"})
    message = outbox.last("+819012345678")
    assert message.channel == "sms" and message.subject == ""
    assert message.body.startswith("123456 is your Loop verification code") and len(message.body) < 160


def test_the_brand_is_a_setting(outbox: Any, settings: Any) -> None:
    settings.ACCOUNTLINK_BRAND = "Wave"
    send_now(channel="email", to="a@example.com", template="welcome", language="en", context={"name": "A"})
    assert outbox.last("a@example.com").subject == "Welcome to Wave"


def test_the_outbox_page_lists_messages_in_demo_mode_only(client: Any, outbox: Any, settings: Any) -> None:
    send_now(channel="email", to="a@example.com", template="welcome", language="en", context={"name": "A"})
    page = client.get("/dev/outbox/?to=a@example.com").content.decode()
    assert "Welcome to Loop" in page
    assert "Welcome to Loop" not in client.get("/dev/outbox/?to=b@example.com").content.decode()
    settings.ACCOUNTLINK_DEMO_MODE = False
    assert client.get("/dev/outbox/").status_code == 404


class RecordingSmsBackend:
    sent: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        self.sent.append((to, body))


def test_the_sms_backend_is_pluggable(settings: Any, outbox: Any) -> None:
    settings.ACCOUNTLINK_SMS_BACKEND = "tests.kit.test_notify.RecordingSmsBackend"
    send_now(channel="sms", to="+34612345678", template="welcome", language="es", context={"name": "María"})
    assert RecordingSmsBackend.sent == [("+34612345678", RecordingSmsBackend.sent[0][1])]
    assert "Loop" in RecordingSmsBackend.sent[0][1]
    assert outbox.messages() == []


def test_email_goes_through_the_configured_django_backend(settings: Any, outbox: Any) -> None:
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_now(channel="email", to="a@example.com", template="welcome", language="en", context={"name": "A"})
    assert [message.to for message in mail.outbox] == [["a@example.com"]]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert outbox.messages() == []
