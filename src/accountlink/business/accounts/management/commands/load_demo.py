"""Load the Loop for Business demo accounts and ad accounts of DESIGN §12. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accountlink.business.accounts import actions
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.adsmanager.actions import do_create_ad_account
from accountlink.demo import DEMO_PASSWORD


def demo_accounts() -> list[dict[str, Any]]:
    return [
        {"email": "manager@example.com", "display_name": "Mina Manager", "is_account_manager": True},
        {"email": "support@example.com", "display_name": "Loop for Business Support", "is_support_agent": True},
        {
            "email": "sakura.biz@example.com",
            "display_name": "Sakura Tanaka",
            "phone": "+819012345678",
            "language": "ja",
            "ad_account": ("Sakura Flowers", "JPY", "Asia/Tokyo"),
        },
        {
            "email": "maria.biz@example.com",
            "display_name": "María García",
            "language": "es",
            "ad_account": ("Tienda de María", "EUR", "Europe/Madrid"),
        },
        {"email": "aiko.biz@example.com", "display_name": "Aiko Mori", "language": "ja"},
        {"email": "hana.biz@example.com", "display_name": "Hana Yamada", "language": "ja"},
        {
            "email": "managed@example.com",
            "display_name": "Ren Kato (managed)",
            "language": "ja",
            "manager": "manager@example.com",
            "ad_account": ("Ren Studio", "JPY", "Asia/Tokyo"),
        },
    ]


class Command(BaseCommand):
    help = "Create the Loop for Business demo accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for spec in demo_accounts():
            spec = dict(spec)
            if BusinessAccount.objects.filter(email=spec["email"]).exists():
                continue
            ad_account = spec.pop("ad_account", None)
            manager_email = spec.pop("manager", None)
            manager = BusinessAccount.objects.get(email=manager_email) if manager_email else None
            account = actions.do_create_account(password=DEMO_PASSWORD, account_manager=manager, **spec)
            if ad_account:
                name, currency, zone = ad_account
                do_create_ad_account(account, name=name, currency=currency, time_zone=zone)
            created += 1
        self.stdout.write(f"Loop for Business demo data: {created} account(s) created.")
