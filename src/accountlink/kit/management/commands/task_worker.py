"""django-tasks-db's ``db_worker`` under an id naming this host and process (see ``kit.worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from accountlink.kit.worker import this_worker_id


class Command(DatabaseWorker):
    help = "Run the database task worker; the tasks it leaves running if it is killed are run again."

    def handle(self, *args: Any, **options: Any) -> None:
        options["worker_id"] = this_worker_id()
        super().handle(*args, **options)
