from django.apps import AppConfig


class BusinessAccountsConfig(AppConfig):
    name = "accountlink.business.accounts"
    label = "business_accounts"
    verbose_name = "Business accounts"
