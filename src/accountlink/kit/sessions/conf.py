"""The sessions app's settings as durations (``kit.conf`` reads them when used, STYLE rule 8)."""

from __future__ import annotations

from datetime import timedelta

from accountlink.kit.conf import platform_settings


def reauthentication_window() -> timedelta:
    """How long a login or a "Confirm it's you" counts as recent: ``ACCOUNTLINK_REAUTH_SECONDS`` (10 minutes)."""
    return timedelta(seconds=platform_settings.REAUTH_SECONDS)


def activity_interval() -> timedelta:
    """How stale "Last active" may get before a request updates it: ``ACCOUNTLINK_SESSION_ACTIVITY_SECONDS``
    (5 minutes), so a busy session does not write on every request."""
    return timedelta(seconds=platform_settings.SESSION_ACTIVITY_SECONDS)


def ended_rows_kept() -> timedelta:
    """Rows of ended sessions are forgotten this long after they ended (the audit log keeps the event)."""
    return timedelta(days=90)


# Session engines whose sessions live in the database, so that ending one is for good everywhere.
DATABASE_ENGINES = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
