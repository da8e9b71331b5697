from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from accountlink.consumer.accounts.models import AccountStatus, AccountType, LoopAccount

pytestmark = pytest.mark.django_db


def test_demo_data_matches_the_design_and_loads_twice_without_change() -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    accounts = {account.handle: account for account in LoopAccount.objects.all()}
    assert set(accounts) == {"sakura", "maria", "kenji", "aiko", "ren", "yuki", "taro", "support", "loopdev"}
    assert accounts["sakura"].phone == "+819012345678" and accounts["sakura"].birth_date == date(1995, 4, 1)
    assert accounts["maria"].language == "es"
    assert accounts["kenji"].account_type == AccountType.BUSINESS
    assert accounts["yuki"].status == AccountStatus.SUSPENDED
    assert accounts["taro"].age == 16 and accounts["taro"].age_on(timezone.localdate()) < 18
    assert accounts["support"].is_support_agent and accounts["support"].email == "support@example.com"
    assert all(account.check_password("loop-demo-2468") for account in accounts.values())
