"""Load the Loop demo accounts of DESIGN §12. Idempotent: existing accounts are left alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from accountlink.consumer.accounts import actions
from accountlink.consumer.accounts.models import AccountType, LoopAccount
from accountlink.demo import DEMO_PASSWORD, OPERATOR_HANDLE


def sixteen_years_ago() -> date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - 16)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 16, day=28)


def demo_accounts() -> list[dict[str, Any]]:
    return [
        {
            "handle": "sakura",
            "display_name": "Sakura Tanaka",
            "email": "sakura@example.com",
            "phone": "+819012345678",
            "birth_date": date(1995, 4, 1),
            "language": "ja",
        },
        {
            "handle": "maria",
            "display_name": "María García",
            "email": "maria@example.com",
            "birth_date": date(1990, 2, 14),
            "language": "es",
        },
        {
            "handle": "kenji",
            "display_name": "Kenji Sato",
            "email": "kenji@example.com",
            "birth_date": date(1988, 9, 12),
            "account_type": AccountType.BUSINESS,
            "language": "ja",
        },
        {
            "handle": "aiko",
            "display_name": "Aiko Mori",
            "email": "aiko@example.com",
            "birth_date": date(1999, 7, 7),
            "language": "ja",
        },
        {
            "handle": "ren",
            "display_name": "Ren Kato",
            "email": "ren@example.com",
            "birth_date": date(1993, 3, 3),
            "language": "ja",
        },
        {
            "handle": "yuki",
            "display_name": "Yuki Ito",
            "email": "yuki@example.com",
            "birth_date": date(1992, 11, 11),
            "language": "ja",
        },
        {
            "handle": "taro",
            "display_name": "Taro Suzuki",
            "email": "taro@example.com",
            "birth_date": sixteen_years_ago(),
            "language": "ja",
        },
        {
            "handle": "support",
            "display_name": "Loop Support",
            "email": "support@example.com",
            "birth_date": date(1985, 1, 1),
            "is_support_agent": True,
        },
        {
            # The operator's developer account: Loop for Business is registered as its app.
            "handle": OPERATOR_HANDLE,
            "display_name": "Loop Developers",
            "email": "loopdev@example.com",
            "birth_date": date(1990, 6, 1),
        },
    ]


class Command(BaseCommand):
    help = "Create the Loop demo accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for spec in demo_accounts():
            if LoopAccount.objects.filter(handle=spec["handle"]).exists():
                continue
            account = actions.do_create_account(password=DEMO_PASSWORD, **spec)
            created += 1
            if account.handle == "yuki":
                actions.do_suspend_account(account, reason="Demo: suspended for review")
        self.stdout.write(f"Loop demo data: {created} account(s) created.")
