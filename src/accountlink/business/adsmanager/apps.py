from django.apps import AppConfig


class AdsManagerConfig(AppConfig):
    name = "accountlink.business.adsmanager"
    label = "adsmanager"
    verbose_name = "Ads Manager"
