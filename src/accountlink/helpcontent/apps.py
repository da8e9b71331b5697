from django.apps import AppConfig


class HelpContentConfig(AppConfig):
    name = "accountlink.helpcontent"
    label = "helpcontent"
    verbose_name = "Help articles"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
