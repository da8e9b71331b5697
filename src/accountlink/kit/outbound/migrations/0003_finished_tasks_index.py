"""An index on the task queue's table (django-tasks-db's) for housekeeping: finished tasks are deleted
by age (``kit.housekeeping``), and the queue's own indexes cover only the waiting ones."""

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):
    dependencies = [
        ("outbound", "0002_call_delayed_task"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX finished_tasks ON {TABLE} (status, finished_at)",
            "DROP INDEX finished_tasks",
        )
    ]
