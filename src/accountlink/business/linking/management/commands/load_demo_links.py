"""Store the demo links of DESIGN §12 through the real linking actions.

``--missing`` prints (as JSON) the Loop handles whose demo link is not there yet; without it, the
command reads what Loop's ``demo_grants`` printed (token responses and user info) from standard
input and links each one. Idempotent, like the rest of the demo data.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking import actions
from accountlink.business.linking.models import LoopLink
from accountlink.business.linking.provider import LoopIdentity, token_set

# Loop handle → the business account it is linked to; None: made with "Continue with Loop".
DEMO_LINKS: dict[str, str | None] = {
    "sakura": "sakura.biz@example.com",
    "maria": "maria.biz@example.com",
    "kenji": None,
    "ren": "managed@example.com",
}


def missing_handles() -> list[str]:
    missing = []
    for handle, email in DEMO_LINKS.items():
        if email is None:
            linked = LoopLink.objects.filter(username=handle).exists()
        else:
            linked = LoopLink.objects.filter(account__email=email).exists()
        if not linked:
            missing.append(handle)
    return missing


class Command(BaseCommand):
    help = "Create the demo links from Loop's demo_grants output on standard input (or list the missing ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--missing", action="store_true", help="print the Loop handles still to link, as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["missing"]:
            self.stdout.write(json.dumps(missing_handles()))
            return
        try:
            grants = json.loads(sys.stdin.read() or "[]")
        except json.JSONDecodeError as error:
            raise CommandError(f"standard input is not demo_grants JSON: {error}") from error
        created = 0
        for grant in grants:
            handle = grant["handle"]
            if handle not in DEMO_LINKS or handle not in missing_handles():
                continue
            user = grant["user"]
            identity = LoopIdentity(
                open_id=user["open_id"],
                union_id=user.get("union_id", ""),
                username=user.get("username", handle),
                display_name=user.get("display_name", ""),
                avatar_url=user.get("avatar_url", ""),
            )
            tokens = token_set(grant["tokens"])
            email = DEMO_LINKS[handle]
            if email is None:
                actions.do_create_account_with_loop(identity, tokens, language="ja")
            else:
                account = BusinessAccount.objects.filter(email=email).first()
                if account is None:
                    raise CommandError(f"the demo business account {email} is missing; run load_demo first")
                actions.do_link_loop_account(account, identity, tokens)
            created += 1
        self.stdout.write(f"Loop for Business demo links: {created} created.")
