"""Loop's doors for apps and staff answer bad input with a 4xx in their own format, never a 500 (issue 13).

A client app that sends garbage gets Login Kit's ``{"error", "error_description", "log_id"}``; a browser
on the consent screen gets Loop's "This link doesn't work" page; nothing it sends changes or loses
anything (codes, tokens and app permissions stay as they were). NUL is the sharpest case: PostgreSQL
text cannot hold it, so before these checks it reached a query and failed there.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from accountlink.consumer.oauth.models import AppPermission
from tests.consumer.oauth_helpers import (
    REDIRECT_URI,
    assert_api_error,
    assert_oauth_error,
    authorize_url,
    client_credentials,
    consent,
    exchange,
    is_active,
    issue_tokens,
    query_of,
    refresh,
    register,
)

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
TOKEN = "/v2/oauth/token/"
REVOKE = "/v2/oauth/revoke/"
INTROSPECT = "/v2/oauth/introspect/"
USER_INFO = "/v2/user/info/"


def assert_consent_error_page(response: Any) -> None:
    assert response.status_code == 400
    assert "Location" not in response
    assert "This link doesn't work" in response.content.decode()


def basic(credentials: bytes) -> str:
    return "Basic " + base64.b64encode(credentials).decode()


# -- token: grant types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "grant_type",
    [
        "urn:ietf:params:oauth:grant-type:device_code",
        "implicit",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "no-such-grant",
        "",
    ],
)
@pytest.mark.parametrize("authenticated", [True, False], ids=["with-secret", "without-secret"])
def test_a_grant_type_loop_does_not_offer_is_unsupported(grant_type: str, authenticated: bool) -> None:
    """Loop issues tokens for authorization codes and refresh tokens only (DESIGN §7). (The password and
    client credentials grants are refused as ``unauthorized_client``: see test_oauth_security.py.)"""
    registered = register()
    data = {**client_credentials(registered), "grant_type": grant_type, "device_code": "x", "username": "sakura"}
    if not authenticated:
        del data["client_secret"]
    assert_oauth_error(HttpClient().post(TOKEN, data), "unsupported_grant_type")


# -- token: NUL and unreadable bodies -------------------------------------------------------------

CODE_GRANT_FIELDS = ["client_key", "client_id", "client_secret", "code", "redirect_uri", "code_verifier", "grant_type"]


@pytest.mark.parametrize("field", CODE_GRANT_FIELDS)
def test_nul_in_a_code_exchange_is_an_invalid_request_and_the_code_still_works(browser: HttpClient, field: str) -> None:
    registered = register()
    auth, query = consent(browser, registered)
    data = {
        **client_credentials(registered),
        "client_id": registered.client.client_id,
        "code": query["code"],
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT_URI,
        "code_verifier": auth.verifier,
    }

    assert_oauth_error(HttpClient().post(TOKEN, {**data, field: NUL}), "invalid_request")

    good = exchange(HttpClient(), registered, query["code"], auth.verifier)
    assert good.status_code == 200, good.content


@pytest.mark.parametrize("field", ["client_key", "client_secret", "refresh_token", "scope", "grant_type", "a\x00"])
def test_nul_in_a_refresh_is_an_invalid_request_and_the_refresh_token_still_works(
    browser: HttpClient, field: str
) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    data = {**client_credentials(registered), "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}

    assert_oauth_error(HttpClient().post(TOKEN, {**data, field: NUL}), "invalid_request")

    assert is_active(registered, tokens["access_token"])
    assert refresh(registered, tokens["refresh_token"]).status_code == 200


@pytest.mark.parametrize("path", [TOKEN, REVOKE, INTROSPECT])
@pytest.mark.parametrize("credentials", [b"a\x00b:secret", b"a%00b:secret", b"key:a%00b"])
def test_nul_in_basic_credentials_is_an_invalid_request(browser: HttpClient, path: str, credentials: bytes) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "token": tokens["access_token"]}

    response = HttpClient().post(path, data, HTTP_AUTHORIZATION=basic(credentials))

    assert_oauth_error(response, "invalid_request")
    assert is_active(registered, tokens["access_token"])


@pytest.mark.parametrize("path", [TOKEN, REVOKE, INTROSPECT])
@pytest.mark.parametrize("header", ["Basic é", "Basic " + "ÿ" * 12, "Basic !!!", "Basic " + "eA" * 3])
def test_a_basic_header_that_is_not_base64_fails_client_authentication(path: str, header: str) -> None:
    """A real server hands Django header bytes as Latin-1, so ``é`` is what a client sends as \\xe9."""
    register()
    data = {"grant_type": "refresh_token", "refresh_token": "x", "token": "x"}
    assert_oauth_error(HttpClient().post(path, data, HTTP_AUTHORIZATION=header), "invalid_client", 401)


@pytest.mark.parametrize("path", [TOKEN, REVOKE, INTROSPECT])
def test_a_body_too_big_or_with_too_many_fields_is_an_invalid_request(path: str) -> None:
    register()
    many = "&".join(f"f{number}=1" for number in range(1200))
    huge = "token=" + "x" * 3_000_000
    for body in (many, huge):
        response = HttpClient().post(path, body, content_type="application/x-www-form-urlencoded")
        assert_oauth_error(response, "invalid_request")
    broken = HttpClient().post(path, b"not multipart", content_type="multipart/form-data")
    assert_oauth_error(broken, "invalid_request")


# -- revoke and introspect -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [REVOKE, INTROSPECT])
@pytest.mark.parametrize("field", ["client_key", "client_id", "client_secret", "token"])
def test_nul_in_revoke_or_introspect_is_an_invalid_request_and_revokes_nothing(
    browser: HttpClient, path: str, field: str
) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    data = {**client_credentials(registered), "token": tokens["access_token"]}
    if field == "client_id":
        data["client_id"] = data.pop("client_key")

    assert_oauth_error(HttpClient().post(path, {**data, field: NUL}), "invalid_request")

    assert is_active(registered, tokens["access_token"])
    assert AppPermission.objects.filter(client=registered.client).exists()


# -- user info and avatar --------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["fields=open_id%00", "fields=open_id&x%00=1"])
def test_nul_in_user_info_is_an_invalid_request(browser: HttpClient, query: str) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    response = HttpClient().get(f"{USER_INFO}?{query}", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert_api_error(response, "invalid_params", 400)
    assert is_active(registered, tokens["access_token"])


def test_user_info_with_a_non_ascii_bearer_token_is_an_invalid_token() -> None:
    response = HttpClient().get(USER_INFO, HTTP_AUTHORIZATION="Bearer é")
    assert_api_error(response, "access_token_invalid", 401)


@pytest.mark.parametrize("open_id", ["a%00b", "%00", "x" * 5000])
def test_an_avatar_that_cannot_exist_is_not_found(open_id: str) -> None:
    response = HttpClient().get(f"/v2/avatar/{open_id}.svg")
    assert response.status_code == 404
    assert "image/svg" not in response["Content-Type"]


# -- the consent screen ----------------------------------------------------------------------------

AUTHORIZE_FIELDS = [
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "response_type",
    "code_challenge",
    "code_challenge_method",
    "x\x00",
]


def nul_authorize_url(client_key: str, field: str) -> str:
    if field == "client_key":
        return authorize_url(NUL).url
    return authorize_url(client_key, **{field: NUL}).url


@pytest.mark.parametrize("field", ["client_key", *AUTHORIZE_FIELDS])
def test_nul_in_an_authorize_parameter_gets_the_error_page(client: HttpClient, browser: HttpClient, field: str) -> None:
    """Whoever opens it, and whether they press Authorize or not: the page, no code, no new permission."""
    registered = register()
    url = nul_authorize_url(registered.client.client_id, field)

    anonymous = HttpClient()
    for response in (anonymous.get(url), browser.get(url), browser.post(url, {"authorize": "1"})):
        assert_consent_error_page(response)
    assert not get_grant_model().objects.exists()
    assert not AppPermission.objects.exists()


def test_nul_in_the_consent_form_gets_the_error_page(browser: HttpClient) -> None:
    registered = register()
    url = authorize_url(registered.client.client_id).url
    assert_consent_error_page(browser.post(url, {"authorize": NUL}))
    assert not get_grant_model().objects.exists()


def test_an_authorize_request_with_a_huge_state_gets_the_error_page_not_djangos(browser: HttpClient) -> None:
    """Coming back with it (or going to the login page with it) would be a redirect longer than Django allows."""
    registered = register()
    consent(browser, registered)  # Loop already has the permission: the next request would redirect at once
    url = authorize_url(registered.client.client_id, state="s" * 20_000).url
    grants = get_grant_model().objects.count()

    for response in (HttpClient().get(url), browser.get(url), browser.post(url, {"authorize": "1"})):
        assert_consent_error_page(response)
    assert get_grant_model().objects.count() == grants


def test_an_authorize_request_with_too_many_parameters_is_a_bad_request(browser: HttpClient) -> None:
    """Django refuses to parse more than 1000 fields. (Only the status is checked: the CSP middleware
    parses the query again on the way out and answers Django's plain 400 page itself.)"""
    registered = register()
    consent(browser, registered)
    grants = get_grant_model().objects.count()
    url = authorize_url(registered.client.client_id).url + "".join(f"&f{number}=1" for number in range(1000))
    response = browser.get(url)
    assert response.status_code == 400
    assert "Location" not in response
    assert get_grant_model().objects.count() == grants


def test_an_ordinary_long_state_still_comes_back(browser: HttpClient) -> None:
    registered = register()
    _auth, query = consent(browser, registered, state="s" * 2000)
    assert query["state"] == "s" * 2000 and query["code"]


def test_invalid_utf8_in_the_query_gets_the_error_page_or_a_normal_answer(browser: HttpClient) -> None:
    registered = register()
    broken = browser.get(f"/v2/auth/authorize/?client_key=%ff%fe&redirect_uri={REDIRECT_URI}")
    assert_consent_error_page(broken)
    auth = authorize_url(registered.client.client_id)
    answer = browser.post(auth.url.replace(f"state={auth.state}", "state=%ff%fe"), {"authorize": "1"})
    assert answer.status_code == 302
    assert query_of(answer["Location"])["state"] == "\ufffd\ufffd"


# -- the holder's app permission pages ---------------------------------------------------------------


@pytest.mark.parametrize("page", ["app_permission", "remove_app_access"])
def test_an_app_permission_page_for_a_key_that_cannot_exist_is_not_found(browser: HttpClient, page: str) -> None:
    registered = register()
    issue_tokens(browser, registered)
    url = reverse(f"loop:{page}", kwargs={"client_key": "placeholder"}).replace("placeholder", "a%00b")
    assert browser.get(url).status_code == 404
    if page == "remove_app_access":
        assert browser.post(url).status_code == 404
    assert AppPermission.objects.filter(client=registered.client).exists()


# -- the support console's search ------------------------------------------------------------------


def found_ids(response: Any) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'data-account="(\d+)"', response.content.decode())]


@pytest.mark.parametrize(
    "typed", ["²", "²²", "1²", "@²", "⁴²", "½", "Ⅻ", NUL, "%", "_", "9" * 19, "9" * 40, "x" * 300, "\u202e"]
)
def test_searching_for_anything_shows_a_results_page(agent_browser: HttpClient, loop_account: Any, typed: str) -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: an ID is typed in decimal digits only."""
    assert found_ids(agent_browser.get(reverse("loop:staff_home"), {"q": typed})) == []


def test_an_account_id_typed_in_full_width_digits_is_still_found(agent_browser: HttpClient, loop_account: Any) -> None:
    """A Japanese keyboard types full-width digits; int() reads them like ASCII ones."""
    typed = "".join(chr(ord(digit) - ord("0") + ord("０")) for digit in str(loop_account.pk))
    assert loop_account.pk in found_ids(agent_browser.get(reverse("loop:staff_home"), {"q": typed}))
