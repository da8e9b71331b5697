"""The link pages, in the ``business`` namespace (included by ``business.urls``)."""

from __future__ import annotations

from django.urls import path

from .views import callback, choice, start, unlink

urlpatterns = [
    path("settings/personal/link-loop/", start.start_link, name="link_loop"),
    path("settings/personal/unlink-loop/", unlink.unlink_loop, name="unlink_loop"),
    path("settings/personal/unlink-loop/confirm/", unlink.unlink_loop_confirm, name="unlink_loop_confirm"),
    path("login/loop/", start.continue_with_loop, name="continue_with_loop"),
    path("login/loop/choose/", choice.continue_choice, name="continue_with_loop_choice"),
    path("oauth/loop/callback/", callback.callback, name="loop_callback"),
    path("reauthenticate/loop/", start.reauthenticate_with_loop, name="reauthenticate_with_loop"),
    path("support/contact/verify-with-loop/", start.prove_with_loop, name="support_prove_with_loop"),
]
