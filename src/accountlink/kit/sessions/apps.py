from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "accountlink.kit.sessions"
    label = "kit_sessions"
    verbose_name = "accountlink sessions"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the system check and the login/logout hooks)
