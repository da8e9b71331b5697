"""Loop for Developers, under ``/developers/`` (included by ``consumer/urls.py`` in the ``loop`` namespace)."""

from django.urls import path

from .views import apps, secret, webhooks

urlpatterns = [
    path("", apps.app_list, name="developers"),
    path("apps/new/", apps.create_app, name="developer_app_create"),
    path("apps/<int:app_id>/", apps.app_detail, name="developer_app"),
    path("apps/<int:app_id>/edit/", apps.edit_app, name="developer_app_edit"),
    path("apps/<int:app_id>/icon/", apps.app_icon, name="developer_app_icon"),
    path("apps/<int:app_id>/secret/", secret.reveal_secret, name="developer_app_secret"),
    path("apps/<int:app_id>/secret/rotate/", secret.rotate_secret, name="developer_app_rotate"),
    path("apps/<int:app_id>/webhooks/", webhooks.deliveries, name="developer_app_webhooks"),
    path("apps/<int:app_id>/webhooks/test/", webhooks.send_test_webhook, name="developer_app_test_webhook"),
    path(
        "apps/<int:app_id>/webhooks/<int:delivery_id>/replay/",
        webhooks.replay_delivery,
        name="developer_app_replay",
    ),
]
