from django.apps import AppConfig


class LinkingConfig(AppConfig):
    name = "accountlink.business.linking"
    label = "business_linking"
    default_auto_field = "django.db.models.BigAutoField"
