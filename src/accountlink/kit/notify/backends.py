"""An email backend that writes to the development outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from accountlink.kit.conf import platform_settings

from . import outbox


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next((str(content) for content, mime in message.alternatives if mime == "text/html"), "")
            for recipient in message.recipients():
                outbox.write(
                    platform_settings.OUTBOX_DIR,
                    outbox.new_message(
                        platform_settings.PLATFORM, "email", recipient, str(message.subject), str(message.body), html
                    ),
                )
        return len(email_messages)

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
