"""Loop's error pages, favicon and footer (issue 17): branded, translated, with the page's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import path

from accountlink.consumer.urls import urlpatterns as loop_urls

pytestmark = pytest.mark.django_db


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# This module is also the URL configuration of the 500 tests: Loop's addresses and one that fails.
urlpatterns = [path("fail/", fail), *loop_urls]
handler500 = "accountlink.kit.errorpages.server_error"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("ja", "問題が発生しました")])
def test_the_500_page_is_loops_page_in_the_readers_language(language: str, heading: str) -> None:
    client = HttpClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/fail/")
    page = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert 'class="brand"' in page and "accountlink/brand/consumer-mark.svg" in page
    assert "accountlink/app.css" in page


@pytest.mark.urls(__name__)
def test_the_500_page_of_a_logged_in_person_does_not_touch_their_account(browser: Any) -> None:
    browser.raise_request_exception = False
    page = browser.get("/fail/").content.decode()
    assert 'class="tabbar"' not in page  # drawn as for a visitor: the user may be what failed
    assert "Something went wrong" in page


@pytest.mark.parametrize("language", ["en", "ja", "es"])
def test_the_404_page_has_loops_header_and_the_readers_language(client: HttpClient, language: str) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page
    assert '<header class="topbar">' in page and "accountlink/brand/consumer-mark.svg" in page


def test_the_404_page_of_a_logged_in_person_has_the_navigation(browser: Any) -> None:
    page = browser.get("/no-such-page/").content.decode()
    assert 'class="tabbar"' in page


@pytest.mark.parametrize(("language", "settings_label"), [("en", "Settings"), ("ja", "設定"), ("es", "Ajustes")])
def test_the_navigation_names_settings_as_loop_does(browser: Any, language: str, settings_label: str) -> None:
    """Loop's "Settings" is its Settings and privacy (es: Ajustes), not the business platform's
    Configuración: the same English word, translated in its own context."""
    browser.cookies["loop_language"] = language
    page = browser.get("/no-such-page/").content.decode()
    assert f'transform="translate(-1 0)"/></svg>{settings_label}</a>' in page


def test_favicon_ico_is_loops_mark(client: HttpClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/accountlink/brand/consumer-mark.svg")
    assert client.get(response["Location"]).status_code == 200


def test_every_page_links_loops_icon(client: HttpClient) -> None:
    page = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/accountlink/brand/consumer-mark.svg" type="image/svg+xml">' in page


def test_the_development_outbox_is_linked_only_in_demo_mode(client: HttpClient) -> None:
    assert 'href="/dev/outbox/"' in client.get("/login/").content.decode()
    with override_settings(ACCOUNTLINK_DEMO_MODE=False):
        assert 'href="/dev/outbox/"' not in client.get("/login/").content.decode()


def test_loops_footer_has_no_help_center_link(client: HttpClient) -> None:
    """The help center runs on Loop for Business; Loop's pages link to it from their errors only."""
    page = client.get("/login/").content.decode()
    assert 'id="language-switcher"' in page and "Help Center" not in page
