from __future__ import annotations

from django.db import transaction

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record

from .models import AdAccount


def do_create_ad_account(owner: BusinessAccount, *, name: str, currency: str, time_zone: str) -> AdAccount:
    with transaction.atomic(durable=True):
        ad_account = AdAccount.objects.create(owner=owner, name=name.strip(), currency=currency, time_zone=time_zone)
        record(EventKind.AD_ACCOUNT_CREATED, account=owner, actor=owner, ad_account=ad_account.pk, name=ad_account.name)
        return ad_account
