"""Pluggable SMS backends, chosen by ``ACCOUNTLINK_SMS_BACKEND``.

A backend is a class with ``send(to, body)``; ``to`` is E.164. Write one for your SMS provider
and point the setting at it.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from accountlink.kit.conf import platform_settings

from . import outbox


class BaseSmsBackend:
    def send(self, to: str, body: str) -> None:
        raise NotImplementedError


class OutboxSmsBackend(BaseSmsBackend):
    """Development: writes the message to the outbox."""

    def send(self, to: str, body: str) -> None:
        outbox.write(
            platform_settings.OUTBOX_DIR,
            outbox.new_message(platform_settings.PLATFORM, "sms", to, "", body),
        )


def get_sms_backend() -> BaseSmsBackend:
    backend_class = import_string(platform_settings.SMS_BACKEND)
    backend: BaseSmsBackend = backend_class()
    return backend
