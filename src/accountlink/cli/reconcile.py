"""``accountlink reconcile``: end the business links whose grant Loop no longer knows, and say which."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from accountlink.devtools.processes import MANAGE, PLATFORMS, child_env, failure, platform_env, run_manage
from accountlink.devtools.system import register_business_platform
from accountlink.devtools.terminal import BRAND, _


def add_parser(commands: Any) -> None:
    reconcile = commands.add_parser(
        "reconcile",
        help=_("end the links whose grant %(brand)s no longer knows, and say which") % {"brand": BRAND},
    )
    reconcile.add_argument("--data-dir", default="var")
    reconcile.add_argument(
        "--consumer-port",
        type=int,
        default=8001,
        help=_("the port `accountlink up` runs %(brand)s on") % {"brand": BRAND},
    )
    reconcile.add_argument(
        "--business-port",
        type=int,
        default=8002,
        help=_("the port `accountlink up` runs %(brand)s for Business on") % {"brand": BRAND},
    )
    reconcile.set_defaults(handler=command_reconcile)


def command_reconcile(args: argparse.Namespace) -> int:
    """End the business links whose grant Loop no longer knows; says what changed (exit 1 if Loop is unreachable)."""
    data_dir = Path(args.data_dir).resolve()
    urls = {"consumer": f"http://127.0.0.1:{args.consumer_port}", "business": f"http://127.0.0.1:{args.business_port}"}
    if os.environ.get("ACCOUNTLINK_LOOP_CLIENT_KEY"):
        # Credentials from the environment (a deployment, or a test): the rest of its settings too, with
        # demo mode unless ACCOUNTLINK_DEMO_MODE=0 says otherwise, as for every --data-dir command.
        env = platform_env("business", data_dir)
    else:
        # The embedded default keeps the business platform's client key and secret only at Loop, as
        # `accountlink up` does: register (idempotently, with the same addresses) to learn them.
        for platform in PLATFORMS:
            run_manage(platform, data_dir, "migrate", "--noinput", "--verbosity", "0")
        env = child_env("business", data_dir, urls, register_business_platform(data_dir, urls))
    result = subprocess.run([*MANAGE, "business", "reconcile"], env=env, capture_output=True, text=True, check=False)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        raise failure(result, "reconcile", "business")
    return 0
