from django.apps import AppConfig


class ThrottleConfig(AppConfig):
    name = "accountlink.kit.throttle"
    label = "kit_throttle"
    verbose_name = "accountlink online-guessing throttle"
