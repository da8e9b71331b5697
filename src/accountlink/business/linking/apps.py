from django.apps import AppConfig


class LinkingConfig(AppConfig):
    name = "accountlink.business.linking"
    label = "business_linking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accountlink.business import checks  # noqa: F401  (registers the provider settings' checks)
