"""The Loop for Business platform."""

from .base import *  # noqa: F403
from .base import (
    ACCOUNTLINK_MACHINE_PATHS,
    INSTALLED_APPS,
    TASKS,
    caches,
    content_security_policy,
    database,
    env,
    env_int,
    origin,
    secret_key,
)

ACCOUNTLINK_PLATFORM = "business"
# Loop's webhooks (kit/machine.py).
ACCOUNTLINK_MACHINE_PATHS = [*ACCOUNTLINK_MACHINE_PATHS, "/webhooks/"]
# The name people see, the namespace of the account pages and the folder of their templates.
ACCOUNTLINK_SITE_NAME = "%(business_brand)s"
ACCOUNTLINK_URL_NAMESPACE = "business"
ACCOUNTLINK_TEMPLATE_DIR = "business"
SECRET_KEY = secret_key(ACCOUNTLINK_PLATFORM)
CACHES = caches(ACCOUNTLINK_PLATFORM)
INSTALLED_APPS = [
    *INSTALLED_APPS,
    "accountlink.business.accounts",
    "accountlink.business.adsmanager",
    "accountlink.business.linking",
    "accountlink.business.webhooks_in",
    "accountlink.helpcenter",
    "ninja",
]
ROOT_URLCONF = "accountlink.business.urls"
WSGI_APPLICATION = "accountlink.business.wsgi.application"
AUTH_USER_MODEL = "business_accounts.BusinessAccount"
AUTHENTICATION_BACKENDS = ["accountlink.business.accounts.backends.BusinessAccountBackend"]
# How the kit finds an account by what a person typed (Forgot password runs it in the worker).
ACCOUNTLINK_ACCOUNT_LOOKUP = "accountlink.business.accounts.lookup.find_account"
DATABASES = {"default": database(env("ACCOUNTLINK_SQLITE_NAME", "business.sqlite3"))}
LOGIN_URL = "business:login"
LOGIN_REDIRECT_URL = "business:adsmanager"

SESSION_COOKIE_NAME = "lfb_session"
CSRF_COOKIE_NAME = "lfb_csrftoken"
LANGUAGE_COOKIE_NAME = "lfb_language"

# Loop for Business is an OAuth client of Loop. `accountlink up` registers it and passes the key
# and secret in the environment; the URLs are where Loop is reached and where this site is.
ACCOUNTLINK_SITE_URL = env("ACCOUNTLINK_SITE_URL", "http://127.0.0.1:8002")
# The help center is served here, at /help/; error messages link to its sections.
ACCOUNTLINK_HELP_URL = env("ACCOUNTLINK_HELP_URL", "/help/")
ACCOUNTLINK_LOOP_URL = env("ACCOUNTLINK_LOOP_URL", env("ACCOUNTLINK_CONSUMER_URL", "http://127.0.0.1:8001"))
# The other platform, whose /healthz our /readyz asks (empty: not asked).
ACCOUNTLINK_OTHER_PLATFORM_URL = ACCOUNTLINK_LOOP_URL
# Outbound calls waiting, for /metrics and `accountlink status` (kit.metrics.register_backlog).
ACCOUNTLINK_BACKLOG_SOURCES = ["accountlink.kit.outbound.actions.backlog"]
# What each kind of outbound call (kit.outbound) does: revoke a grant at Loop, refresh a link.
ACCOUNTLINK_OUTBOUND_SENDERS = {
    "revocation": "accountlink.business.linking.senders.send_revocation",
    "refresh": "accountlink.business.linking.senders.send_refresh",
    "code_replay": "accountlink.business.linking.senders.send_code_replay",
}
ACCOUNTLINK_LOOP_CLIENT_KEY = env("ACCOUNTLINK_LOOP_CLIENT_KEY")
ACCOUNTLINK_LOOP_CLIENT_SECRET = env("ACCOUNTLINK_LOOP_CLIENT_SECRET")
# The provider's endpoints (business.conf, docs/deploy.md): Loop's under ACCOUNTLINK_LOOP_URL, or
# TikTok's real ones with ACCOUNTLINK_LOOP_PROVIDER=tiktok; each ACCOUNTLINK_LOOP_*_URL overrides one.
ACCOUNTLINK_LOOP_PROVIDER = env("ACCOUNTLINK_LOOP_PROVIDER", "loop")
ACCOUNTLINK_LOOP_AUTHORIZE_URL = env("ACCOUNTLINK_LOOP_AUTHORIZE_URL")  # empty: the provider's own
ACCOUNTLINK_LOOP_TOKEN_URL = env("ACCOUNTLINK_LOOP_TOKEN_URL")
ACCOUNTLINK_LOOP_REVOKE_URL = env("ACCOUNTLINK_LOOP_REVOKE_URL")
ACCOUNTLINK_LOOP_USER_INFO_URL = env("ACCOUNTLINK_LOOP_USER_INFO_URL")
ACCOUNTLINK_LOOP_INTROSPECT_URL = env("ACCOUNTLINK_LOOP_INTROSPECT_URL")
_tiktok = ACCOUNTLINK_LOOP_PROVIDER == "tiktok"
if _tiktok:
    ACCOUNTLINK_OTHER_PLATFORM_URL = ""  # TikTok has no /healthz for our /readyz to ask
# Avatars come from the provider (TikTok's from its CDN); Link Loop account, Continue with Loop and
# Verify with Loop post here and are redirected to its authorize page (form-action binds that redirect).
_authorize_origin = origin(
    ACCOUNTLINK_LOOP_AUTHORIZE_URL or ("https://www.tiktok.com" if _tiktok else ACCOUNTLINK_LOOP_URL)
)
_avatars = ["https://*.tiktokcdn.com", "https://*.tiktokcdn-us.com"] if _tiktok else [origin(ACCOUNTLINK_LOOP_URL)]
CONTENT_SECURITY_POLICY = content_security_policy(img_src=_avatars, form_action=[_authorize_origin])

# Enqueued by `manage.py run_periodic` (started by `accountlink up`): task path → seconds between runs.
# The reconciliation has a queue (and a worker) of its own (linking.tasks, devtools.processes).
TASKS = {"default": {**TASKS["default"], "QUEUES": ["default", "reconcile"]}}
ACCOUNTLINK_PERIODIC_TASKS = {
    # Re-queues outbound calls (revocations at Loop) whose task was lost or whose worker died mid-attempt.
    "accountlink.kit.outbound.tasks.sweep_calls": env_int("ACCOUNTLINK_SWEEP_SECONDS", 15),
    # Runs again the tasks a killed worker left running (kit.worker).
    "accountlink.kit.worker.requeue_abandoned_tasks": env_int("ACCOUNTLINK_SWEEP_SECONDS", 15),
    # Deletes expired sessions, old finished tasks and what ACCOUNTLINK_PRUNERS names (kit.housekeeping).
    "accountlink.kit.housekeeping.tasks.prune": env_int("ACCOUNTLINK_PRUNE_SECONDS", 3600),
    # Reads Loop's log of ended grants and checks a slice of links (linking.actions.reconciliation).
    "accountlink.business.linking.tasks.reconcile_links": env_int("ACCOUNTLINK_RECONCILE_SECONDS", 600),
}
