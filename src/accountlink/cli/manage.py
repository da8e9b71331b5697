"""``accountlink manage <platform>``: a Django management command on one platform."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from accountlink.devtools.processes import PLATFORMS
from accountlink.devtools.terminal import _


def add_parser(commands: Any) -> None:
    manage = commands.add_parser("manage", help=_("run a Django management command on one platform"))
    manage.add_argument("platform", choices=sorted(PLATFORMS))
    manage.add_argument("--data-dir", default=None)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=command_manage)


def command_manage(args: argparse.Namespace) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = PLATFORMS[args.platform]
    if args.data_dir:
        # --data-dir names a data directory of `accountlink up`: work on it as `up` does, in demo
        # mode (unless the environment says otherwise). Without it the environment is a deployment's.
        os.environ["ACCOUNTLINK_DATA_DIR"] = str(Path(args.data_dir).resolve())
        os.environ.setdefault("ACCOUNTLINK_DEMO_MODE", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"accountlink manage {args.platform}", *args.arguments])
    return 0
