"""The Loop consumer platform."""

from .base import *  # noqa: F403
from .base import (
    ACCOUNTLINK_DEMO_MODE,
    ACCOUNTLINK_MACHINE_PATHS,
    DEBUG,
    INSTALLED_APPS,
    MIDDLEWARE,
    caches,
    database,
    env,
    env_int,
    secret_key,
)

ACCOUNTLINK_PLATFORM = "consumer"
# The name people see, the namespace of the account pages and the folder of their templates.
ACCOUNTLINK_SITE_NAME = "%(brand)s"
ACCOUNTLINK_URL_NAMESPACE = "loop"
ACCOUNTLINK_TEMPLATE_DIR = "loop"
SECRET_KEY = secret_key(ACCOUNTLINK_PLATFORM)
CACHES = caches(ACCOUNTLINK_PLATFORM)
INSTALLED_APPS = [
    *INSTALLED_APPS,
    "accountlink.consumer.accounts",
    "oauth2_provider",
    "accountlink.consumer.oauth",
    "accountlink.consumer.webhooks",
    "accountlink.consumer.developers",
]
# The shared Content-Security-Policy; on the pages of an authorization in progress, form-action
# also allows the client's registered redirect URI (see consumer/csp.py).
MIDDLEWARE = [
    "accountlink.consumer.csp.LoopCSPMiddleware" if name == "accountlink.kit.machine.CSPMiddleware" else name
    for name in MIDDLEWARE
]
ROOT_URLCONF = "accountlink.consumer.urls"
WSGI_APPLICATION = "accountlink.consumer.wsgi.application"
AUTH_USER_MODEL = "loop_accounts.LoopAccount"
AUTHENTICATION_BACKENDS = ["accountlink.consumer.accounts.backends.LoopAccountBackend"]
# How the kit finds an account by what a person typed (Forgot password runs it in the worker).
ACCOUNTLINK_ACCOUNT_LOOKUP = "accountlink.consumer.accounts.lookup.find_account"
DATABASES = {"default": database(env("ACCOUNTLINK_SQLITE_NAME", "consumer.sqlite3"))}
LOGIN_URL = "loop:login"
LOGIN_REDIRECT_URL = "loop:profile"
# Where this site is reached from outside: absolute links in messages (a recovery link) start here.
ACCOUNTLINK_SITE_URL = env("ACCOUNTLINK_SITE_URL", "http://127.0.0.1:8001")
# Loop's error messages link to the help center of Loop for Business (DESIGN §6).
ACCOUNTLINK_HELP_URL = env(
    "ACCOUNTLINK_HELP_URL", env("ACCOUNTLINK_BUSINESS_URL", "http://127.0.0.1:8002").rstrip("/") + "/help/"
)
# The other platform, whose /healthz our /readyz asks (empty: not asked).
ACCOUNTLINK_OTHER_PLATFORM_URL = env("ACCOUNTLINK_BUSINESS_URL", "http://127.0.0.1:8002")
# Outbound calls waiting, for /metrics and `accountlink status` (kit.metrics.register_backlog).
ACCOUNTLINK_BACKLOG_SOURCES = ["accountlink.kit.outbound.actions.backlog"]
# What each kind of outbound call (kit.outbound) does: send a webhook to an app.
ACCOUNTLINK_OUTBOUND_SENDERS = {"webhook": "accountlink.consumer.webhooks.actions.send_delivery"}

SESSION_COOKIE_NAME = "loop_session"
CSRF_COOKIE_NAME = "loop_csrftoken"
LANGUAGE_COOKIE_NAME = "loop_language"

# Loop is an OAuth 2.0 authorization server (django-oauth-toolkit) speaking TikTok Login Kit v2.
OAUTH2_PROVIDER_APPLICATION_MODEL = "loop_oauth.Client"
# Login Kit's lifetimes (Manage OAuth Access Tokens, as updated in November 2026): an access token
# lives 2 hours, a refresh token 180 days from its issuance. django-oauth-toolkit counts a refresh
# token's life from its access token's expiry, so it gets 180 days less the access token's life.
_ACCESS_TOKEN_SECONDS = env_int("ACCOUNTLINK_ACCESS_TOKEN_SECONDS", 2 * 3600)
_REFRESH_TOKEN_SECONDS = 180 * 24 * 3600
# The token, revoke, introspection and grant-endings endpoints, and user info (not /v2/auth/authorize/).
ACCOUNTLINK_MACHINE_PATHS = [*ACCOUNTLINK_MACHINE_PATHS, "/v2/oauth/", "/v2/user/"]
# TikTok's default limit on /v2/user/info/ (its Rate limits page): requests per app per minute.
ACCOUNTLINK_USER_INFO_REQUESTS_PER_MINUTE = env_int("ACCOUNTLINK_USER_INFO_REQUESTS_PER_MINUTE", 600)
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "accountlink.consumer.oauth.validators.LoopOAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "accountlink.consumer.oauth.backends.LoopWireOAuthLibCore",
    "SCOPES": {"user.info.basic": "Name and profile photo", "user.info.profile": "Username"},
    "DEFAULT_SCOPES": ["user.info.basic"],
    # Only the fallback: the validator asks each client (``Client.pkce_required``: desktop apps and apps
    # that opt in must use PKCE, confidential web apps may, as TikTok documents; DESIGN §8).
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": _ACCESS_TOKEN_SECONDS,
    "REFRESH_TOKEN_EXPIRE_SECONDS": max(_REFRESH_TOKEN_SECONDS - _ACCESS_TOKEN_SECONDS, 60),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    # The demo runs on http://127.0.0.1; a deployment's clients get their codes over HTTPS only.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if ACCOUNTLINK_DEMO_MODE or DEBUG else ["https"],
    # RFC 9207: the authorization response names Loop (``iss``), so a client can tell it from others.
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "OIDC_ISS_ENDPOINT": ACCOUNTLINK_SITE_URL.rstrip("/"),
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
}

# Loop's log of ended grants is kept 30 days (consumer/oauth/actions/).
ACCOUNTLINK_PRUNERS = ["accountlink.consumer.oauth.actions.do_prune_grant_endings"]
# Enqueued by `manage.py run_periodic` (started by `accountlink up`): task path → seconds between runs.
ACCOUNTLINK_PERIODIC_TASKS = {
    # Re-queues outbound calls (webhooks) whose task was lost or whose worker died mid-attempt.
    "accountlink.kit.outbound.tasks.sweep_calls": env_int("ACCOUNTLINK_SWEEP_SECONDS", 15),
    # Runs again the tasks a killed worker left running (kit.worker).
    "accountlink.kit.worker.requeue_abandoned_tasks": env_int("ACCOUNTLINK_SWEEP_SECONDS", 15),
    # Deletes expired sessions, old finished tasks and what ACCOUNTLINK_PRUNERS names (kit.housekeeping).
    "accountlink.kit.housekeeping.tasks.prune": env_int("ACCOUNTLINK_PRUNE_SECONDS", 3600),
}
