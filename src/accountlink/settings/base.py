"""Settings shared by both platforms.

Each platform has its own module (``consumer.py``, ``business.py``) that imports this one and
sets what differs: its apps, URLs, database file, cookie names and secret key. Everything is read
from the environment so one code base serves the embedded demo and a scaled-out deployment.

Code reads the ``ACCOUNTLINK_*`` settings through the settings object ``kit.conf.platform_settings``,
which documents each one and its default; ``kit.checks`` validates them at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("ACCOUNTLINK_DATA_DIR", "var")).resolve()

DEBUG = env_bool("DEBUG", False)
# The embedded demo: development outbox instead of real email/SMS, demo data, /dev/outbox/. Only
# `accountlink up` (and the commands that work on its data directory) turn it on; a deployment that
# forgets the variable is not a demo (DESIGN §8).
ACCOUNTLINK_DEMO_MODE = env_bool("ACCOUNTLINK_DEMO_MODE", False)
ACCOUNTLINK_BRAND = env("ACCOUNTLINK_BRAND", "Loop")
# Which help-center section explains each error code (kit.helplinks links refusals there).
ACCOUNTLINK_HELP_SECTIONS = "accountlink.helpcontent.topics.HELP_SECTIONS"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accountlink.kit",
    "accountlink.kit.audit",
    "accountlink.kit.codes",
    "accountlink.kit.notify",
    "accountlink.kit.support",
    "accountlink.kit.throttle",
    "accountlink.kit.sessions",
    "accountlink.kit.outbound",
    "accountlink.helpcontent",
]

ACCOUNTLINK_MACHINE_PATHS = ["/healthz", "/metrics"]  # called by programs, not people (kit/machine.py)
MIDDLEWARE = [
    "accountlink.kit.requestid.RequestIdMiddleware",
    "accountlink.kit.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accountlink.kit.machine.CSPMiddleware",  # kit.machine's: Django's own, skipped on machine paths
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",  # lazy: machine views never read a session
    "accountlink.kit.machine.LocaleMiddleware",  # Django's; on machine paths from Accept-Language alone
    "accountlink.kit.machine.SavedLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accountlink.kit.machine.AuthenticationMiddleware",
    "accountlink.kit.machine.SessionRegistryMiddleware",
    "accountlink.kit.machine.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accountlink.kit.audit.middleware.RequestContextMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accountlink.kit.context_processors.platform",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = ["accountlink.kit.passwords.Argon2idHasher"]
# Threads each process hashes passwords in (kit/passwords.py): one, with a web worker process per core.
ACCOUNTLINK_PASSWORD_HASH_THREADS = max(1, env_int("ACCOUNTLINK_PASSWORD_HASH_THREADS", 1))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT") or None  # set for collectstatic in production
# The embedded default serves static files straight from the apps, no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Staff sessions (password and a code) expire much sooner than holders' (DESIGN §8).
ACCOUNTLINK_STAFF_SESSION_SECONDS = env_int("ACCOUNTLINK_STAFF_SESSION_SECONDS", 60 * 60)
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "accountlink.kit.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the web processes that append to X-Forwarded-For (0: REMOTE_ADDR, as gunicorn sees it).
ACCOUNTLINK_TRUSTED_PROXY_COUNT = env_int("ACCOUNTLINK_TRUSTED_PROXY_COUNT", 0)
# Guess counts: "cache" with Redis (shared by every process), else "database"; policies: JSON (docs/security.md).
ACCOUNTLINK_THROTTLE_STORE = env("ACCOUNTLINK_THROTTLE_STORE", "cache" if env("REDIS_URL") else "database")
ACCOUNTLINK_THROTTLE = env("ACCOUNTLINK_THROTTLE", "{}")
# HTTPS only, when the site is served over HTTPS (docs/deploy.md, "Production defaults").
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Load balancers probe /healthz and /readyz over plain HTTP; every other path is still redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Prometheus metrics at /metrics (docs/operations.md): 404 unless ACCOUNTLINK_METRICS is on; with a
# token, only for ``Authorization: Bearer <token>``. Every process of a platform (web workers, worker,
# scheduler) writes its counts to files in one directory, which /metrics adds up; empty means
# <data dir>/metrics/<platform>.
ACCOUNTLINK_METRICS = env_bool("ACCOUNTLINK_METRICS", False)
ACCOUNTLINK_METRICS_TOKEN = env("ACCOUNTLINK_METRICS_TOKEN")
ACCOUNTLINK_METRICS_DIR = env("PROMETHEUS_MULTIPROC_DIR")

# Content-Security-Policy (django-csp) on every response: scripts, styles and images from this site
# only, no inline script or style, never framed. Each platform adds the other site where a page
# shows its images or a form's redirect goes there (form-action also binds redirects in Chromium).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email: SMTP when EMAIL_HOST is set, the development outbox otherwise.
EMAIL_HOST = env("EMAIL_HOST")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@loop.example")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "accountlink.kit.notify.backends.OutboxEmailBackend",
)
ACCOUNTLINK_SMS_BACKEND = env("ACCOUNTLINK_SMS_BACKEND", "accountlink.kit.notify.sms.OutboxSmsBackend")
ACCOUNTLINK_OUTBOX_DIR = Path(env("ACCOUNTLINK_OUTBOX_DIR", str(DATA_DIR / "outbox")))

# Keys that seal secrets at rest (first one encrypts, all decrypt, so keys can be rotated).
ACCOUNTLINK_ENCRYPTION_KEYS = env_list("ACCOUNTLINK_ENCRYPTION_KEYS")

# ACCOUNTLINK_LOG_FORMAT=json: one JSON object per line, with the request id (kit.requestid).
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "accountlink.kit.logfilters.RedactTokens"},
        "request_id": {"()": "accountlink.kit.logfilters.RequestId"},
    },
    "formatters": {"json": {"()": "accountlink.kit.logfilters.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens", "request_id"],
            **({"formatter": "json"} if env("ACCOUNTLINK_LOG_FORMAT") == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 4xx answers are logged with their path; a refused recovery link's token is taken out.
        "django.request": {"filters": ["redact_tokens"]},
        "django.server": {"filters": ["redact_tokens"]},
    },
}


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an address, as a CSP source names another site."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(**extra: list[str]) -> dict[str, Any]:
    """The shared policy with sources added, e.g. ``img_src=[origin(loop)]`` (``_`` for ``-``)."""
    directives = dict(CONTENT_SECURITY_POLICY["DIRECTIVES"])
    for name, sources in extra.items():
        key = name.replace("_", "-")
        directives[key] = [*directives.get(key, []), *sources]
    return {**CONTENT_SECURITY_POLICY, "DIRECTIVES": directives}


def database(default_sqlite_name: str) -> dict[str, Any]:
    """The platform's database: ``DATABASE_URL`` or a SQLite file in the data directory."""
    url = env("DATABASE_URL") or f"sqlite:///{DATA_DIR / default_sqlite_name}"
    # A new connection costs ~7 ms on PostgreSQL, ~0.7 ms on SQLite: kept a minute, checked before reuse
    # (docs/performance.md; behind a transaction-mode pooler, CONN_MAX_AGE=0).
    max_age = int(env("CONN_MAX_AGE", "60"))
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=max_age, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and a busy timeout let the web processes and the worker share the file.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def caches(platform: str) -> dict[str, Any]:
    """Redis when ``REDIS_URL`` is set (shared by every web process), local memory otherwise."""
    url = env("REDIS_URL")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"accountlink:{platform}",
        }
    }


# Sessions live in the database; with Redis they are cached there too.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if env("REDIS_URL") else "django.contrib.sessions.backends.db"
)


def secret_key(platform: str) -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    if DEBUG or ACCOUNTLINK_DEMO_MODE:
        # The embedded demo keeps its generated keys beside its databases.
        from accountlink.kit.secrets import demo_secret

        return demo_secret(DATA_DIR, f"{platform}-secret-key")
    raise RuntimeError("SECRET_KEY must be set outside demo mode")
