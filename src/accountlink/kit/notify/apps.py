from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "accountlink.kit.notify"
    label = "notify"
    verbose_name = "Notifications"
