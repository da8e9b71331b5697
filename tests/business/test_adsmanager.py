"""Ads Manager: each business account sees and creates only its own ad accounts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from accountlink.business.adsmanager.actions import do_create_ad_account
from accountlink.business.adsmanager.models import AdAccount
from accountlink.kit.audit.models import AuditEvent, EventKind

pytestmark = pytest.mark.django_db

AD_ACCOUNT = {"name": "Sakura Flowers", "currency": "JPY", "time_zone": "Asia/Tokyo"}


def table_rows(page: str) -> list[list[str]]:
    """The cells of each row of the ad accounts table, as a person reads them."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def create(client: Any, **changes: str) -> Any:
    return client.post(reverse("business:create_ad_account"), {**AD_ACCOUNT, **changes})


def test_a_new_account_has_no_ad_accounts_and_is_offered_to_create_one(signed_in: Any) -> None:
    page = signed_in.get(reverse("business:adsmanager")).content.decode()
    assert "You don't have any ad accounts yet." in page.replace("&#x27;", "'")
    assert f'href="{reverse("business:create_ad_account")}">Create ad account<' in page


def test_create_an_ad_account(signed_in: Any, business_account: Any) -> None:
    form = signed_in.get(reverse("business:create_ad_account")).content.decode()
    assert "Ad account name" in form and "Japanese yen (JPY)" in form and 'value="Asia/Tokyo" selected' in form

    response = create(signed_in, name="  Sakura Flowers  ")
    assert response["Location"] == reverse("business:adsmanager")
    page = signed_in.get(response["Location"]).content.decode()
    assert "Ad account “Sakura Flowers” created." in page
    assert ["Sakura Flowers", "JPY", "Asia/Tokyo"] in [row[:3] for row in table_rows(page)]
    ad_account = AdAccount.objects.get()
    assert ad_account.owner == business_account and ad_account.name == "Sakura Flowers"
    event = AuditEvent.objects.get(kind=EventKind.AD_ACCOUNT_CREATED)
    assert event.account == business_account and event.data == {"ad_account": ad_account.pk, "name": "Sakura Flowers"}


def test_ad_accounts_are_listed_oldest_first(signed_in: Any) -> None:
    create(signed_in, name="First shop")
    create(signed_in, name="Second shop", currency="EUR", time_zone="Europe/Madrid")
    page = signed_in.get(reverse("business:adsmanager")).content.decode()
    assert page.index("First shop") < page.index("Second shop")
    assert ["Second shop", "EUR", "Europe/Madrid"] in [row[:3] for row in table_rows(page)]


def test_another_accounts_ad_accounts_are_never_shown(
    signed_in: Any, business_account: Any, make_business_account: Any
) -> None:
    stranger = make_business_account(email="stranger.biz@example.com")
    do_create_ad_account(stranger, name="Stranger Secret Campaigns", currency="USD", time_zone="America/New_York")
    create(signed_in, name="Mine")
    page = signed_in.get(reverse("business:adsmanager")).content.decode()
    assert "Mine" in page and "Stranger Secret Campaigns" not in page
    assert [ad.name for ad in signed_in.get(reverse("business:adsmanager")).context["ad_accounts"]] == ["Mine"]


def test_an_ad_account_is_always_created_for_the_signed_in_account(
    signed_in: Any, business_account: Any, make_business_account: Any
) -> None:
    stranger = make_business_account(email="stranger.biz@example.com")
    create(signed_in, owner=str(stranger.pk), owner_id=str(stranger.pk))
    assert list(AdAccount.objects.values_list("owner_id", flat=True)) == [business_account.pk]
    assert not stranger.ad_accounts.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "    "),
        ("name", "n" * 101),
        ("currency", "XYZ"),
        ("currency", ""),
        ("currency", "jpy"),
        ("time_zone", "Mars/Olympus_Mons"),
        ("time_zone", ""),
        ("time_zone", "UTC+9"),
        ("time_zone", "Asia/Tokyo\x00"),
    ],
)
def test_bad_ad_account_input_is_refused_and_nothing_is_created(signed_in: Any, field: str, value: str) -> None:
    response = create(signed_in, **{field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert 'class="errorlist"' in response.content.decode()
    assert not AdAccount.objects.exists()
    assert not AuditEvent.objects.filter(kind=EventKind.AD_ACCOUNT_CREATED).exists()


def test_an_empty_ad_account_form_is_refused(signed_in: Any) -> None:
    response = signed_in.post(reverse("business:create_ad_account"), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "currency", "time_zone"}
    assert not AdAccount.objects.exists()
