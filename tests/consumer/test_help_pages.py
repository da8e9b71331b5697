"""Loop's help page for Manage app permissions, and Loop's errors linking to the help center of Loop
for Business (another site) in the reader's language (issue 6)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from accountlink.consumer.accounts import actions
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HELP = "/help/manage-app-permissions/"
BUSINESS_HELP = "https://business.example/help/"


@pytest.mark.parametrize(
    ("language", "title", "label"),
    [
        ("en", "Manage app permissions", "Remove access"),
        ("ja", "アプリのアクセス許可を管理", "アクセス権限を削除"),
        ("es", "Administrar permisos de apps", "Quitar acceso"),
    ],
)
def test_the_help_page_reads_in_the_visitors_language_with_the_apps_own_labels(
    client: Any, language: str, title: str, label: str
) -> None:
    html = client.get(HELP, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html
    assert 'data-article="manage-app-permissions"' in html
    assert f'<strong class="ui-label">{label}</strong>' in html
    assert f'data-label="{label}" data-role="button" data-platform="loop"' in html
    assert f"‹ {title}</a>" in html


@override_settings(ACCOUNTLINK_HELP_URL=BUSINESS_HELP)
def test_its_related_articles_are_in_the_business_help_center_in_the_same_language(client: Any) -> None:
    html = client.get(HELP, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    related = re.findall(r'<li><a href="([^"]+)">', html[html.index("help-related") :])
    assert f"{BUSINESS_HELP}unlink-loop-account/?lang=ja" in [href.replace("&amp;", "&") for href in related]


def test_manage_app_permissions_links_to_it(browser: Any) -> None:
    html = browser.get(reverse("loop:app_permissions")).content.decode()
    assert f'<a href="{HELP}">About app permissions</a>' in html


def test_business_articles_are_not_loop_pages(client: Any) -> None:
    assert client.get("/help/unlink-loop-account/").status_code == 404
    assert client.get("/help/no-such-article/").status_code == 404


@override_settings(ACCOUNTLINK_HELP_URL=BUSINESS_HELP)
@pytest.mark.parametrize("language", ["en", "ja", "es"])
def test_a_wrong_login_on_loop_links_to_the_business_help_center_in_the_readers_language(
    client: Any, loop_account: Any, language: str
) -> None:
    client.cookies["loop_language"] = language
    html = client.post(reverse("loop:login"), {"identifier": "sakura", "password": "wrong"}).content.decode()
    expected = f"{BUSINESS_HELP}cant-log-in/?lang={language}#login-invalid-credentials"
    assert (
        f'<a class="alert-help" href="{expected.replace("&", "&amp;")}" data-help-for="login.invalid_credentials">'
        in (html)
    )


@override_settings(ACCOUNTLINK_HELP_URL=BUSINESS_HELP)
def test_a_suspended_login_links_to_the_section_about_suspension(client: Any, loop_account: Any) -> None:
    actions.do_suspend_account(loop_account, reason="review")
    html = client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD}).content.decode()
    assert f'href="{BUSINESS_HELP}cant-log-in/?lang=en#login-suspended" data-help-for="login.suspended"' in html


def test_by_default_loop_links_to_the_business_platform_it_runs_with(settings: Any) -> None:
    assert settings.ACCOUNTLINK_HELP_URL.endswith("/help/")
    assert settings.ACCOUNTLINK_HELP_URL.startswith("http")
