"""User settings → Security activity: the account's own audit events, in the page's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from accountlink.business.adsmanager.actions import do_create_ad_account
from tests.business.pages import log_in

pytestmark = pytest.mark.django_db


def kinds_on(page: str) -> list[str]:
    return re.findall(r'data-kind="([^"]+)"', page)


def labels_on(page: str) -> list[str]:
    return re.findall(r'<div class="row" data-kind="[^"]+">\s*<strong>([^<]+)</strong>', page)


def test_security_activity_lists_my_events_newest_first(
    client: Any, business_account: Any, make_business_account: Any
) -> None:
    stranger = make_business_account(email="stranger.biz@example.com")
    log_in(client, "stranger.biz@example.com")
    do_create_ad_account(stranger, name="Stranger shop", currency="USD", time_zone="America/New_York")
    client.post(reverse("business:logout"))

    log_in(client, "sakura.biz@example.com", "a-wrong-password")
    log_in(client, "sakura.biz@example.com")
    client.post(reverse("business:personal_information"), {"display_name": "Sakura T."})
    response = client.get(reverse("business:security_activity"))
    page = response.content.decode()
    assert "Recent changes and sign-ins on your account." in page
    assert kinds_on(page) == ["profile.changed", "login.succeeded", "login.failed", "account.created"]
    assert labels_on(page) == ["Profile updated", "Logged in", "Failed login attempt", "Account created"]
    assert "Stranger shop" not in page and "Ad account created" not in page
    assert all(event.account_id == business_account.pk for event in response.context["events"])


def test_a_sent_code_shows_where_it_went_but_never_the_code(
    signed_in: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    signed_in.post(
        reverse("business:change_contact", kwargs={"kind": "email"}),
        {"value": "sakura.new@example.com", "current_password": "correct-horse-battery"},
    )
    run_tasks()
    code = sent.code_for("sakura.new@example.com")
    page = signed_in.get(reverse("business:security_activity")).content.decode()
    assert labels_on(page)[0] == "Verification code sent"
    assert "s********w@example.com" in page
    assert code not in page and "sakura.new@example.com" not in page


def test_the_sign_in_address_is_shown(client: Any, business_account: Any) -> None:
    log_in(client, "sakura.biz@example.com", REMOTE_ADDR="198.51.100.23")
    page = client.get(reverse("business:security_activity")).content.decode()
    assert "198.51.100.23" in page


@pytest.mark.parametrize(
    ("language", "heading", "logged_in", "created"),
    [
        ("ja", "セキュリティアクティビティ", "ログインしました", "アカウントを作成しました"),
        ("es", "Actividad de seguridad", "Sesión iniciada", "Cuenta creada"),
    ],
)
def test_event_labels_are_translated(
    client: Any, business_account: Any, language: str, heading: str, logged_in: str, created: str
) -> None:
    client.cookies["lfb_language"] = language  # this browser chose it (the account's own is English)
    log_in(client, "sakura.biz@example.com")
    page = client.get(reverse("business:security_activity")).content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert labels_on(page) == [logged_in, created]
