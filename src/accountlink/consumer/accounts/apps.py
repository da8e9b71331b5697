from django.apps import AppConfig


class LoopAccountsConfig(AppConfig):
    name = "accountlink.consumer.accounts"
    label = "loop_accounts"
    verbose_name = "Loop accounts"
