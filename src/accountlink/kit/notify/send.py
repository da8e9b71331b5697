"""Notifications: queue an email or SMS in the caller's transaction; a worker renders and sends it.

The payload is sealed (``kit.crypto``) because it may carry a verification code, and it waits in
the task table until the worker picks it up. Templates live in ``templates/notify/<name>/``:
``subject.txt`` and ``body.txt`` for email and ``sms.txt`` for SMS. The HTML part of every email is
the text body in the shared layout ``notify/email.html``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from accountlink.kit.brand import brand_names, site_name
from accountlink.kit.codes.models import Channel
from accountlink.kit.crypto import open_sealed, seal
from accountlink.kit.enqueue import enqueue_task
from accountlink.kit.transactions import in_callers_transaction

from .sms import get_sms_backend

DELIVER_MESSAGE_TASK = "accountlink.kit.notify.send.deliver_message"


@in_callers_transaction
def notify(
    *, channel: Channel | str, to: str, template: str, language: str, context: dict[str, Any] | None = None
) -> None:
    """Queue one message. Must run inside the action's transaction, so it is sent only if that commits."""
    payload = {
        "channel": str(channel),
        "to": to,
        "template": template,
        "language": language,
        "context": context or {},
    }
    enqueue_task(DELIVER_MESSAGE_TASK, seal(json.dumps(payload)))


@task()
def deliver_message(sealed_payload: str) -> None:
    payload = json.loads(open_sealed(sealed_payload))
    send_now(**payload)


def render(template: str, language: str, context: dict[str, Any], part: str) -> str:
    with translation.override(language):
        names = brand_names()
        full_context = {"brand": names["brand"], **context, "business_brand": names["business_brand"]}
        full_context["site_name"] = site_name()
        name = f"notify/{template}/{part}" if part else f"notify/{template}"
        return render_to_string(name, full_context).strip()


def send_now(*, channel: str, to: str, template: str, language: str, context: dict[str, Any]) -> None:
    if channel == Channel.SMS:
        get_sms_backend().send(to, render(template, language, context, "sms.txt"))
        return
    subject = " ".join(render(template, language, context, "subject.txt").split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render(template, language, context, "body.txt"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    html = render("email.html", language, {**context, "subject": subject, "body": message.body}, "")
    message.attach_alternative(html, "text/html")
    message.send()
