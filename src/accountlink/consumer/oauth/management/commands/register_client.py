"""``accountlink register-client``: register (or update) an app that may ask Loop accounts for access."""

from __future__ import annotations

import json
import os
from argparse import BooleanOptionalAction
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from accountlink.consumer.accounts.lookup import find_account
from accountlink.consumer.oauth.registration import ClientRegistrationError, do_register_client
from accountlink.consumer.oauth.scopes import parse_scopes
from accountlink.kit.brand import brand_names


class Command(BaseCommand):
    help = "Register an OAuth client of Loop, or update the one with this name. Prints its key and secret as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument("--webhook-url", default="")
        parser.add_argument("--scopes", default="user.info.basic,user.info.profile")
        parser.add_argument("--rotate-secret", action="store_true")
        parser.add_argument("--platform", choices=["web", "desktop"], default=None)
        parser.add_argument("--description", default=None)
        parser.add_argument("--require-pkce", action=BooleanOptionalAction, default=None)
        parser.add_argument("--owner", default=None, help="the Loop account that manages the app (handle or email)")

    def handle(self, *args: Any, **options: Any) -> None:
        terminal_language = (os.environ.get("LANGUAGE") or os.environ.get("LANG") or "en")[:2]
        translation.activate(terminal_language if terminal_language in dict(settings.LANGUAGES) else "en")
        owner = None
        if options["owner"]:
            owner = find_account(options["owner"])
            if owner is None:
                raise CommandError(
                    _("no %(brand)s account with this username or email: %(owner)s")
                    % {**brand_names(), "owner": options["owner"]}
                )
        try:
            registered = do_register_client(
                name=options["name"],
                redirect_uris=options["redirect_uris"],
                webhook_url=options["webhook_url"],
                scopes=parse_scopes(options["scopes"]),
                rotate_secret=options["rotate_secret"],
                platform=options["platform"],
                description=options["description"],
                require_pkce=options["require_pkce"],
                owner=owner,
            )
        except ClientRegistrationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            json.dumps(
                {
                    "name": registered.client.name,
                    "client_key": registered.client.client_id,
                    "client_secret": registered.client_secret,
                    "redirect_uris": registered.client.redirect_uris.split(),
                    "webhook_url": registered.client.webhook_url,
                    "scopes": registered.client.scope_list(),
                    "platform": registered.client.platform,
                    "description": registered.client.description,
                    "require_pkce": registered.client.pkce_required,
                    "owner": f"@{registered.client.owner.handle}" if registered.client.owner else None,
                    "created": registered.created,
                }
            )
        )
