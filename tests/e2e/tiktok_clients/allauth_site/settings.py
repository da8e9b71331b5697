"""Settings of the allauth harness site: allauth's documented set-up, the TikTok app from the environment."""

from __future__ import annotations

import os

SECRET_KEY = "allauth-harness-site-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "tests.e2e.tiktok_clients.allauth_site.urls"
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.tiktok",
    "tests.e2e.tiktok_clients.allauth_site.apps.AllauthSiteConfig",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["TIKTOK_SITE_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_REDIRECT_URL = "/signed-in/"

# The TikTok app, as allauth documents it; the provider keeps its defaults (scopes, fields, no PKCE).
SOCIALACCOUNT_PROVIDERS = {
    "tiktok": {
        "APPS": [
            {
                "client_id": os.environ["TIKTOK_SITE_CLIENT_KEY"],
                "secret": os.environ["TIKTOK_SITE_CLIENT_SECRET"],
                "key": "",
            }
        ]
    }
}
SOCIALACCOUNT_STORE_TOKENS = True  # the test refreshes and revokes the tokens allauth kept
SOCIALACCOUNT_ADAPTER = "tests.e2e.tiktok_clients.allauth_site.urls.LoggingSocialAccountAdapter"

LOGGING = {
    "version": 1,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"allauth_site": {"handlers": ["stderr"], "level": "INFO"}},
}
