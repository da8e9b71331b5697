"""Pluggable SMS backends, chosen by ``ACCOUNTLINK_SMS_BACKEND``.

A backend is a class with ``send(to, body)``; ``to`` is E.164. Write one for your SMS provider
and point the setting at it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from . import outbox


class BaseSmsBackend:
    def send(self, to: str, body: str) -> None:
        raise NotImplementedError


class OutboxSmsBackend(BaseSmsBackend):
    """Development: writes the message to the outbox."""

    def send(self, to: str, body: str) -> None:
        outbox.write(
            settings.ACCOUNTLINK_OUTBOX_DIR,
            outbox.new_message(settings.ACCOUNTLINK_PLATFORM, "sms", to, "", body),
        )


def get_sms_backend() -> BaseSmsBackend:
    backend_class = import_string(settings.ACCOUNTLINK_SMS_BACKEND)
    backend: BaseSmsBackend = backend_class()
    return backend
