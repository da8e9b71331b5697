"""Loop's login page says which app the person is logging in to continue to, and offers Contact
support (issue 17). The app is named only from a registered client, looked up by the ``client_key``
of the consent screen's URL in ``next``; nothing else in the URL is ever shown."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client as HttpClient

from tests.consumer.oauth_helpers import authorize_url, register

pytestmark = pytest.mark.django_db

CONTINUING = '<p class="muted" data-testid="continuing-to">Log in to continue to {}</p>'
CONTACT_SUPPORT = '<a href="/support/contact/">Contact support</a>'


def login_page(next_url: str | None = None) -> str:
    path = "/login/" if next_url is None else f"/login/?next={quote(next_url)}"
    response = HttpClient().get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_consent_screen_sends_a_logged_out_person_to_a_login_page_that_names_the_app() -> None:
    registered = register()
    browser = HttpClient()

    response = browser.get(authorize_url(registered.client.client_id).url, follow=True)

    assert response.request["PATH_INFO"] == "/login/"
    page = response.content.decode()
    assert CONTINUING.format("Loop for Business") in page
    assert "<h1>Log in to Loop</h1>" in page
    assert CONTACT_SUPPORT in page


def test_client_id_names_the_app_as_client_key_does() -> None:
    registered = register(name="Shop Assistant")
    url = authorize_url("", client_id=registered.client.client_id).url.replace("client_key=&", "")
    assert CONTINUING.format("Shop Assistant") in login_page(url)


def test_the_plain_login_page_names_no_app_and_offers_contact_support() -> None:
    page = login_page()
    assert 'data-testid="continuing-to"' not in page
    assert CONTACT_SUPPORT in page
    assert '<a href="/password/forgot/">Forgot password?</a>' in page or "Forgot password?" in page


@pytest.mark.parametrize(
    "next_url",
    [
        "/v2/auth/authorize/?client_key=not-registered&name=Loop+for+Business",
        "/v2/auth/authorize/?app=Loop+for+Business",
        "/settings/?client_key={key}",
        "https://evil.example/v2/auth/authorize/?client_key={key}",
        "//evil.example/v2/auth/authorize/?client_key={key}",
    ],
)
def test_only_a_registered_clients_name_on_the_consent_screens_url_is_shown(next_url: str) -> None:
    registered = register(name="Loop for Business")
    page = login_page(next_url.format(key=registered.client.client_id))
    assert 'data-testid="continuing-to"' not in page
    assert "continue to" not in page


def test_the_apps_name_is_escaped() -> None:
    registered = register(name="<b>Shop</b> & Co")
    page = login_page(authorize_url(registered.client.client_id).url)
    assert CONTINUING.format("&lt;b&gt;Shop&lt;/b&gt; &amp; Co") in page


def test_the_login_page_speaks_the_browsers_language_when_naming_the_app(client: Any) -> None:
    registered = register()
    client.cookies["loop_language"] = "ja"
    page = client.get(f"/login/?next={quote(authorize_url(registered.client.client_id).url)}").content.decode()
    assert '<html lang="ja">' in page
    assert 'data-testid="continuing-to"' in page and "Loop for Business" in page


def test_logging_in_from_there_goes_on_to_the_consent_screen(loop_account: Any) -> None:
    registered = register()
    browser = HttpClient()
    url = authorize_url(registered.client.client_id).url
    response = browser.post(
        f"/login/?next={quote(url)}", {"identifier": "sakura", "password": "correct-horse-battery", "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
