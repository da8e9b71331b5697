"""A tiny Django site that signs people in with django-allauth's TikTok provider in its default settings.

Configured from the environment by the test that runs it (``TIKTOK_SITE_*``); run with
``python -m django`` and ``DJANGO_SETTINGS_MODULE=tests.e2e.tiktok_clients.allauth_site.settings``."""
