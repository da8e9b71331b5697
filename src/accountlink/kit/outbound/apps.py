from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "accountlink.kit.outbound"
    label = "outbound"
    default_auto_field = "django.db.models.BigAutoField"
