from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "accountlink.consumer.oauth"
    label = "loop_oauth"
    default_auto_field = "django.db.models.BigAutoField"
