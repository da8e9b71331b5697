from django.apps import AppConfig


class KitConfig(AppConfig):
    name = "accountlink.kit"
    label = "kit"
    verbose_name = "accountlink kit"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
