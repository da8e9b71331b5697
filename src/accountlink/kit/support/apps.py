from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "accountlink.kit.support"
    label = "support"
    verbose_name = "Support cases"
