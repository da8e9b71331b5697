"""Print the calls to the other platform this platform still has to make (read by `accountlink status`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from accountlink.kit.metrics import backlog


class Command(BaseCommand):
    help = "Print the outbound calls waiting, per kind: how many and the age of the oldest (--json: a list)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print a JSON list of {kind, pending, oldest_seconds}")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [
            {"kind": kind, "pending": pending, "oldest_seconds": None if age is None else round(age, 1)}
            for kind, pending, age in backlog()
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        for row in rows:
            oldest = "-" if row["oldest_seconds"] is None else f"{row['oldest_seconds']:.0f} s"
            self.stdout.write(f"{row['kind']}: {row['pending']} pending, oldest {oldest}")
