"""Loop's home page (issue 17): who is logged in, the apps with access to the account, and the way
to security and settings, as cards; only the account's own apps."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.consumer.oauth_helpers import grant_permission, register

pytestmark = pytest.mark.django_db


def home(browser: HttpClient) -> str:
    response = browser.get(reverse("loop:home"))
    assert response.status_code == 200
    return str(response.content.decode())


def test_home_greets_the_account_and_says_no_app_has_access(browser: HttpClient) -> None:
    page = home(browser)
    assert "Hi, Sakura Tanaka" in page and "@sakura" in page
    assert "No apps have access to your account." in page
    assert "apps with access" not in page
    for name in ("loop:sessions", "loop:security_activity", "loop:change_password", "loop:settings_account"):
        assert f'href="{reverse(name)}"' in page


def test_home_lists_the_apps_with_access_newest_first_and_links_to_each(browser: HttpClient, loop_account: Any) -> None:
    older, newer = register("Loop for Business"), register("Ads Studio", "https://studio.example/callback/")
    grant_permission(loop_account, older, ["user.info.basic"])
    grant_permission(loop_account, newer, ["user.info.basic"])
    page = home(browser)
    assert page.index("Ads Studio") < page.index("Loop for Business")
    for registered in (older, newer):
        assert f'href="{reverse("loop:app_permission", args=[registered.client.client_id])}"' in page
    assert "See all 2 apps with access" in page
    assert "No apps have access" not in page


def test_home_shows_only_the_accounts_own_apps(browser: HttpClient, make_loop_account: Any) -> None:
    someone_else = make_loop_account(handle="ben")
    grant_permission(someone_else, register("Ben's App", "https://ben.example/callback/"), ["user.info.basic"])
    page = home(browser)
    assert "Ben's App" not in page
    assert "No apps have access to your account." in page


def test_home_in_japanese(browser: HttpClient) -> None:
    browser.cookies["loop_language"] = "ja"
    page = home(browser)
    assert '<html lang="ja">' in page and "アプリのアクセス許可を管理" in page
