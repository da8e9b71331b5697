"""Loop's Content-Security-Policy (DESIGN §8): strict on every page; the consent screen and the pages
of an authorization in progress may send their form on to the client's registered redirect URI."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient

from tests.consumer.oauth_helpers import REDIRECT_URI, authorize_url, register

pytestmark = pytest.mark.django_db

CLIENT_ORIGIN = "https://business.example"


def policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("path", ["/", "/login/", "/signup/", "/password/forgot/", "/dev/outbox/", "/no-such-page/"])
def test_every_page_has_a_strict_policy(client: HttpClient, path: str) -> None:
    found = policy(client.get(path))
    assert found["default-src"] == ["'self'"]
    assert found["script-src"] == ["'self'"] and found["style-src"] == ["'self'"]
    assert found["object-src"] == ["'none'"] and found["base-uri"] == ["'none'"]
    assert found["frame-ancestors"] == ["'none'"]
    assert found["form-action"] == ["'self'"]


def test_signed_in_pages_have_the_policy_too(browser: HttpClient) -> None:
    for path in ("/profile/", "/settings/", "/settings/security/apps/"):
        assert policy(browser.get(path))["form-action"] == ["'self'"], path


def test_the_consent_screen_may_send_its_form_on_to_the_registered_redirect_uri(browser: HttpClient) -> None:
    registered = register()
    page = browser.get(authorize_url(registered.client.client_id).url)
    assert page.status_code == 200
    assert policy(page)["form-action"] == ["'self'", CLIENT_ORIGIN]
    assert policy(page)["script-src"] == ["'self'"]


def test_the_login_page_of_an_authorization_may_go_on_to_the_client(client: HttpClient) -> None:
    """Logging in ends at the client at once when access was given before, so the login form's
    redirects reach the client's origin too."""
    registered = register()
    auth = authorize_url(registered.client.client_id)
    login = "/login/?" + urlencode({"next": auth.url})
    assert policy(client.get(login))["form-action"] == ["'self'", CLIENT_ORIGIN]
    wrong_password = client.post(login, {"identifier": "nobody", "password": "wrong-password", "next": auth.url})
    assert policy(wrong_password)["form-action"] == ["'self'", CLIENT_ORIGIN]


def test_an_unregistered_redirect_uri_or_client_adds_nothing(browser: HttpClient, client: HttpClient) -> None:
    registered = register()
    elsewhere = authorize_url(registered.client.client_id, redirect_uri="https://attacker.example/cb")
    assert policy(browser.get(elsewhere.url))["form-action"] == ["'self'"]
    unknown = authorize_url("no-such-client")
    assert policy(client.get("/login/?" + urlencode({"next": unknown.url})))["form-action"] == ["'self'"]
    offsite = "https://attacker.example/v2/auth/authorize/?" + urlencode(
        {"client_key": registered.client.client_id, "redirect_uri": REDIRECT_URI}
    )
    assert policy(client.get("/login/?" + urlencode({"next": offsite})))["form-action"] == ["'self'"]


def test_the_oauth_json_endpoints_are_not_widened(client: HttpClient) -> None:
    """Machine answers (JSON, never a page) get the fixed policy that allows nothing (kit/machine.py)."""
    registered = register()
    answer = client.post("/v2/oauth/token/", {"client_key": registered.client.client_id, "next": "x"})
    assert policy(answer) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


def test_an_unreadable_authorization_adds_nothing_and_breaks_nothing(client: HttpClient) -> None:
    registered = register()
    with_nul = authorize_url(registered.client.client_id + "\x00", redirect_uri=REDIRECT_URI + "\x00")
    page = client.get("/login/?" + urlencode({"next": with_nul.url}))
    assert page.status_code == 200 and policy(page)["form-action"] == ["'self'"]
    crowded = authorize_url(registered.client.client_id).url + "".join(f"&p{n}=1" for n in range(1100))
    answer = client.get(crowded)
    assert answer.status_code < 500 and policy(answer)["form-action"] == ["'self'"]
    answer = client.get("/login/?" + urlencode({"next": crowded}) + "".join(f"&p{n}=1" for n in range(1100)))
    assert answer.status_code < 500 and policy(answer)["form-action"] == ["'self'"]
