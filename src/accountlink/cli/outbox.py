"""``accountlink outbox``: the emails and SMS of the development outbox, as text or JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from accountlink.devtools.processes import PLATFORMS
from accountlink.devtools.terminal import CliError, _
from accountlink.kit.notify import outbox  # no Django: it reads files


def add_parser(commands: Any) -> None:
    box = commands.add_parser("outbox", help=_("show the emails and SMS of the development outbox"))
    box.add_argument("--data-dir", default="var")
    box.add_argument("--platform", choices=sorted(PLATFORMS))
    box.add_argument("--to", help=_("only messages to this email address or phone number"))
    box.add_argument("--last", action="store_true", help=_("only the newest message"))
    box.add_argument("--json", action="store_true", help=_("print JSON (an object with --last, else a list)"))
    box.set_defaults(handler=command_outbox)


def command_outbox(args: argparse.Namespace) -> int:
    directory = Path(args.data_dir).resolve() / "outbox"
    messages = outbox.read(directory, platform=args.platform, to=args.to)
    if args.last:
        if not messages:
            raise CliError(_("no messages found for %(to)s") % {"to": args.to} if args.to else _("no messages found"))
        messages = messages[-1:]
    if args.json:
        data: Any = [message.as_json() for message in messages]
        print(json.dumps(data[0] if args.last else data, ensure_ascii=False, indent=2))
        return 0
    if not messages:
        print(_("No messages."))
    for message in messages:
        print(
            _("[%(sent_at)s] %(platform)s %(channel)s to %(to)s")
            % {"sent_at": message.sent_at, "platform": message.platform, "channel": message.channel, "to": message.to}
        )
        if message.subject:
            print(_("Subject: %(subject)s") % {"subject": message.subject})
        print(message.body)
        print()
    return 0
