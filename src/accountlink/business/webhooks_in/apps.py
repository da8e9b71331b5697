from django.apps import AppConfig


class WebhooksInConfig(AppConfig):
    name = "accountlink.business.webhooks_in"
    label = "business_webhooks_in"
    default_auto_field = "django.db.models.BigAutoField"
