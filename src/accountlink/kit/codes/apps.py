from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "accountlink.kit.codes"
    label = "codes"
    verbose_name = "Verification codes"
