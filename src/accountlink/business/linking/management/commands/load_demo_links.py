"""Store the demo links of DESIGN §12 through the real linking actions.

``--missing`` prints (as JSON) the Loop handles whose demo link is still to be made; without it, the
command reads what Loop's ``demo_grants`` printed (token responses and user info, or why a grant could
not be made) from standard input and links each one.

Demo data never undoes what people did: each demo link is made once. A link that was made before (its
``link.created`` event is in the audit log) is not made again after someone ends it, and a link that
cannot be made (the Loop account is linked to another business account now) is reported in one line;
the tokens Loop issued for it are revoked, as for any refused link.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.link import do_create_account_with_loop, do_link_loop_account
from accountlink.business.linking.provider import LoopIdentity, token_set
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import CodedError

# Loop handle → the business account it is linked to; None: made with "Continue with Loop".
DEMO_LINKS: dict[str, str | None] = {
    "sakura": "sakura.biz@example.com",
    "maria": "maria.biz@example.com",
    "kenji": None,
    "ren": "managed@example.com",
}


def made_before(handle: str, email: str | None) -> bool:
    """Whether this demo link exists or existed: its demo business account has been linked before,
    or (for the account made with Continue with Loop) the handle has."""
    linked = Q(data__username=handle) if email is None else Q(account__email=email)
    return AuditEvent.objects.filter(linked, kind=EventKind.LOOP_LINKED).exists()


def missing_handles() -> list[str]:
    return [handle for handle, email in DEMO_LINKS.items() if not made_before(handle, email)]


def link_one(grant: dict[str, Any]) -> None:
    """Store one grant of ``demo_grants`` as its demo link (a refusal raises its ``CodedError``)."""
    handle, user = grant["handle"], grant["user"]
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
        do_create_account_with_loop(identity, tokens, language="ja")
        return
    account = BusinessAccount.objects.filter(email=email).first()
    if account is None:
        raise CommandError(f"the demo business account {email} is missing; run load_demo first")
    do_link_loop_account(account, identity, tokens)


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
            handle = grant.get("handle")
            if handle not in DEMO_LINKS or handle not in missing_handles():
                continue
            target = DEMO_LINKS[handle] or "Continue with Loop"
            if "error" in grant:
                self.stdout.write(f"Demo link @{handle} → {target} not made: {grant['error']}")
                continue
            try:
                link_one(grant)
            except CodedError as refusal:
                self.stdout.write(f"Demo link @{handle} → {target} not made: {refusal.message}")
                continue
            created += 1
        self.stdout.write(f"Loop for Business demo links: {created} created.")
