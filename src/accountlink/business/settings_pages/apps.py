from django.apps import AppConfig


class SettingsPagesConfig(AppConfig):
    name = "accountlink.business.settings_pages"
    label = "settings_pages"
    verbose_name = "User settings"
