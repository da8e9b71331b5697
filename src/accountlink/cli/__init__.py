"""The ``accountlink`` command: ``up`` runs the whole system, ``outbox`` reads the development outbox,
``register-client`` registers an app at Loop, ``reconcile`` ends links Loop no longer knows,
``help-screenshots`` illustrates the help articles, ``status`` says whether a running system is ready,
and ``manage`` runs a Django management command on one platform. Each command is a module here; what
they share to run the system from outside is in ``accountlink.devtools``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from accountlink.devtools.terminal import CliError, _
from accountlink.status import add_status_parser

from . import help_screenshots, manage, outbox, reconcile, register_client, up


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accountlink", description=_("Run and inspect accountlink."))
    commands = parser.add_subparsers(dest="command", required=True)
    for command in (up, outbox, register_client, reconcile, help_screenshots):
        command.add_parser(commands)
    add_status_parser(commands)
    manage.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except CliError as error:
        print(f"accountlink: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return result
