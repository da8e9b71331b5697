"""``accountlink register-client``: register an app as an OAuth client of Loop, or update it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from accountlink.devtools.processes import run_manage
from accountlink.devtools.system import register_client
from accountlink.devtools.terminal import BRAND, _


def add_parser(commands: Any) -> None:
    register = commands.add_parser(
        "register-client", help=_("register an app as an OAuth client of %(brand)s (or update it)") % {"brand": BRAND}
    )
    register.add_argument("--name", required=True, help=_("the app's name, shown on the consent screen"))
    register.add_argument(
        "--redirect-uri",
        action="append",
        required=True,
        dest="redirect_uris",
        help=_("an exact redirect URI (repeat for more)"),
    )
    register.add_argument("--webhook-url", default="", help=_("where authorization.removed webhooks are sent"))
    register.add_argument("--scopes", default="user.info.basic,user.info.profile", help=_("comma-separated scopes"))
    register.add_argument("--rotate-secret", action="store_true", help=_("issue a new client secret"))
    register.add_argument(
        "--platform", choices=["web", "desktop"], default=None, help=_("where the app runs (default: web)")
    )
    register.add_argument("--description", default=None, help=_("what the app does, shown to its developers"))
    register.add_argument(
        "--require-pkce",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_("require PKCE of a web app (a desktop app always uses it)"),
    )
    register.add_argument(
        "--owner",
        default=None,
        help=_("the %(brand)s account that manages the app in %(brand)s for Developers (username or email)")
        % {"brand": BRAND},
    )
    register.add_argument("--data-dir", default="var")
    register.add_argument("--json", action="store_true", help=_("print JSON"))
    register.set_defaults(handler=command_register_client)


def command_register_client(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    run_manage("consumer", data_dir, "migrate", "--noinput", "--verbosity", "0")
    registered = register_client(
        data_dir,
        name=args.name,
        redirect_uris=args.redirect_uris,
        webhook_url=args.webhook_url,
        scopes=args.scopes,
        rotate_secret=args.rotate_secret,
        platform=args.platform,
        description=args.description,
        require_pkce=args.require_pkce,
        owner=args.owner,
    )
    if args.json:
        print(json.dumps(registered, ensure_ascii=False, indent=2))
        return 0
    status = _("Registered") if registered["created"] else _("Updated")
    print(f"{status}: {registered['name']}")
    print(f"  client_key:    {registered['client_key']}")
    print(f"  client_secret: {registered['client_secret']}")
    print(_("  redirect URIs: %(uris)s") % {"uris": " ".join(registered["redirect_uris"])})
    print(_("  webhook URL:   %(url)s") % {"url": registered["webhook_url"] or "-"})
    print(_("  scopes:        %(scopes)s") % {"scopes": ",".join(registered["scopes"])})
    print(_("  platform:      %(platform)s") % {"platform": registered["platform"]})
    print(_("  owner:         %(owner)s") % {"owner": registered["owner"] or "-"})
    return 0
