"""Enqueue this platform's periodic tasks (``ACCOUNTLINK_PERIODIC_TASKS``) on their schedule.

The workers run them. Started by ``accountlink up`` beside each platform's worker; running more
than one is harmless, because every periodic task is idempotent.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from accountlink.kit.conf import platform_settings

log = logging.getLogger(__name__)


def enqueue_unless_waiting(path: str) -> None:
    """Queue the task unless one is still waiting to run: a pass longer than its period (the
    reconciliation over many links) must not pile up passes behind it."""
    if not DBTaskResult.objects.ready().filter(task_path=path).exists():
        import_string(path).enqueue()


class Command(BaseCommand):
    help = "Enqueue the periodic tasks of this platform on their schedule (--once: all of them now, then exit)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every periodic task once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        schedule = platform_settings.PERIODIC_TASKS
        if options["once"]:
            for path in schedule:
                import_string(path).enqueue()
            return
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # Each task first runs one period after start-up, not at once: a restart loop cannot flood the queue.
        due = {path: time.monotonic() + period for path, period in schedule.items()}
        while not stopping:
            now = time.monotonic()
            for path, period in schedule.items():
                if now >= due[path]:
                    try:
                        enqueue_unless_waiting(path)
                    except DatabaseError as error:
                        # The database restarted or dropped the connection: try again on the next tick.
                        log.warning("could not enqueue %s: %s", path, error)
                        close_old_connections()
                        connection.close()
                        break
                    due[path] = now + period
            time.sleep(0.5)
