"""Loop for Business's error pages, favicon, header and User settings (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client as HttpClient
from django.urls import path

from accountlink.business.urls import urlpatterns as business_urls

pytestmark = pytest.mark.django_db


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# This module is also the URL configuration of the 500 and 403 tests.
urlpatterns = [path("fail/", fail), path("refuse/", refuse), *business_urls]
handler500 = "accountlink.kit.errorpages.server_error"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("ja", "問題が発生しました")])
def test_the_500_page_is_the_business_page_in_the_readers_language(language: str, heading: str) -> None:
    client = HttpClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/fail/")
    page = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert "accountlink/brand/business-mark.svg" in page and '<body class="business">' in page


@pytest.mark.urls(__name__)
def test_the_403_page_is_branded_and_translated(client: HttpClient) -> None:
    response = client.get("/refuse/", HTTP_ACCEPT_LANGUAGE="ja")
    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ja">' in page and "accountlink/brand/business-mark.svg" in page
    assert "<h1>" in page


@pytest.mark.parametrize("language", ["en", "ja", "es"])
def test_the_404_page_has_the_business_header_and_the_readers_language(client: HttpClient, language: str) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page
    assert '<header class="topbar">' in page and "accountlink/brand/business-mark.svg" in page


def test_favicon_ico_is_the_business_mark(client: HttpClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/accountlink/brand/business-mark.svg")
    assert client.get(response["Location"]).status_code == 200


def test_ads_manager_has_a_header_with_the_products_navigation(signed_in: Any) -> None:
    page = signed_in.get("/adsmanager/").content.decode()
    assert 'class="app-nav"' in page
    assert 'href="/adsmanager/" aria-current="page">Ads Manager</a>' in page
    assert 'href="/settings/">Settings</a>' in page and 'href="/help/">Help Center</a>' in page
    signed_in.cookies["lfb_language"] = "es"
    assert 'href="/settings/">Configuración</a>' in signed_in.get("/adsmanager/").content.decode()


def test_user_settings_lists_its_pages_once(signed_in: Any) -> None:
    page = signed_in.get("/settings/").content.decode()
    assert page.count('href="/settings/personal/"') == 1
    assert 'aria-describedby="about-personal">Personal information</a>' in page


def test_the_footer_links_to_the_help_center(client: HttpClient) -> None:
    page = client.get("/login/").content.decode()
    footer = page[page.index("<footer>") :]
    assert '<p><a href="/help/">Help Center</a></p>' in footer
