"""Settings of the reference project: what ``django-admin startproject`` writes, plus
django-oauth-toolkit as its tutorial installs it, and the same SQLite options and cache as
accountlink's embedded default (``accountlink.settings.base.database``), so that only the code differs.

Django's own ``LoginView`` serves ``/login/`` with a minimal template, its passwords hashed by Django's
Argon2 hasher at accountlink's parameters (``bench/login.py`` compares logins with it).

The one change from DOT's defaults: client secrets are stored as given (``hash_client_secret=False``
on the application), because Loop seals its client secrets rather than hashing them with a password
hasher; with DOT's default, every client-authenticated request would spend most of its time in
PBKDF2 and the comparison would measure the hasher.
"""

from __future__ import annotations

import os
from pathlib import Path

SECRET_KEY = "bench-reference-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.reference.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# Django's Argon2 hasher, at the parameters of accountlink's (a subclass that sets only those).
PASSWORD_HASHERS = ["bench.reference.hashers.Argon2idAtAccountlinkParameters"]
LOGIN_URL = "/login/"
WSGI_APPLICATION = "bench.reference.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("REFERENCE_DB", "reference.sqlite3"),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
OAUTH2_PROVIDER = {"SCOPES": {"read": "Read"}, "ACCESS_TOKEN_EXPIRE_SECONDS": 7200}
