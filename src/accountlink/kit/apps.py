from django.apps import AppConfig


class KitConfig(AppConfig):
    name = "accountlink.kit"
    label = "kit"
    verbose_name = "accountlink kit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accountlink.kit import metrics, requestid
        from accountlink.kit.i18n.saved import apply_saved_language

        from . import checks  # noqa: F401  (registers the system checks)

        user_logged_in.connect(metrics.on_user_logged_in, dispatch_uid="accountlink.kit.metrics.login")
        user_login_failed.connect(metrics.on_user_login_failed, dispatch_uid="accountlink.kit.metrics.login_failed")
        user_logged_in.connect(apply_saved_language, dispatch_uid="accountlink.kit.i18n.saved_language")
        # ``last_login`` is written with the login's audit event (``accounts.do_record_login``), once;
        # Django's own receiver would write it a second time (issue 18).
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        metrics.register_configured_backlogs()
        requestid.connect_task_signals()
