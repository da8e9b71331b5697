"""The Loop consumer platform."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, caches, database, env, secret_key

ACCOUNTLINK_PLATFORM = "consumer"
SECRET_KEY = secret_key(ACCOUNTLINK_PLATFORM)
CACHES = caches(ACCOUNTLINK_PLATFORM)
INSTALLED_APPS = [*INSTALLED_APPS, "accountlink.consumer.accounts"]
ROOT_URLCONF = "accountlink.consumer.urls"
WSGI_APPLICATION = "accountlink.consumer.wsgi.application"
AUTH_USER_MODEL = "loop_accounts.LoopAccount"
AUTHENTICATION_BACKENDS = ["accountlink.consumer.accounts.backends.LoopAccountBackend"]
DATABASES = {"default": database(env("ACCOUNTLINK_SQLITE_NAME", "consumer.sqlite3"))}
LOGIN_URL = "loop:login"
LOGIN_REDIRECT_URL = "loop:profile"

SESSION_COOKIE_NAME = "loop_session"
CSRF_COOKIE_NAME = "loop_csrftoken"
LANGUAGE_COOKIE_NAME = "loop_language"
