from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "accountlink.kit.audit"
    label = "audit"
    verbose_name = "Audit"
