"""A session engine that keeps sessions out of the database could not end them for good."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .conf import DATABASE_ENGINES


@checks.register()
def check_session_engine(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.SESSION_ENGINE in DATABASE_ENGINES:
        return []
    return [
        checks.Error(
            "SESSION_ENGINE must keep sessions in the database (db or cached_db), so that ending a session "
            "(Manage devices, Sessions, a suspension) is for good.",
            id="accountlink.E101",
        )
    ]
