from django.apps import AppConfig


class DevelopersConfig(AppConfig):
    name = "accountlink.consumer.developers"
    label = "loop_developers"
    default_auto_field = "django.db.models.BigAutoField"
