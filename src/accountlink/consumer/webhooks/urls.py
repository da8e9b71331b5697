from django.urls import path

from . import views

urlpatterns = [
    path("staff/webhooks/", views.delivery_list, name="staff_webhooks"),
    path("staff/webhooks/<int:delivery_id>/", views.delivery_detail, name="staff_webhook"),
    path("staff/webhooks/<int:delivery_id>/replay/", views.replay_delivery, name="staff_webhook_replay"),
]
