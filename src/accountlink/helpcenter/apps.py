from django.apps import AppConfig


class HelpCenterConfig(AppConfig):
    name = "accountlink.helpcenter"
    label = "helpcenter"
    verbose_name = "Help center"
