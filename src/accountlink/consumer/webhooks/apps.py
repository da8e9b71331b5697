from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "accountlink.consumer.webhooks"
    label = "loop_webhooks"
    default_auto_field = "django.db.models.BigAutoField"
