"""The provider Loop for Business links to is a setting (docs/deploy.md, "Linking to Loop or to TikTok"):
Loop's endpoints under ACCOUNTLINK_LOOP_URL by default, TikTok's real ones with
ACCOUNTLINK_LOOP_PROVIDER = "tiktok", any one of them overridden by ACCOUNTLINK_LOOP_<ENDPOINT>_URL. The
same code makes every call at the endpoints the settings name, and the system checks refuse an
incomplete configuration while linking is on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accountlink.business.checks import check_provider_settings
from accountlink.business.conf import TIKTOK_ENDPOINTS, business_settings
from accountlink.business.linking import provider
from accountlink.business.linking.models import LoopLink
from tests.business.fake_loop import LOOP, FakeLoop, LoopPerson
from tests.business.pages import LINK_START, PERSONAL, come_back

TIKTOK_AUTHORIZE = "https://www.tiktok.com/v2/auth/authorize/"


def check_ids() -> list[str]:
    return [message.id for message in check_provider_settings(None)]


# -- the two good configurations ------------------------------------------------------------------


def test_by_default_the_endpoints_are_loops_under_its_url_and_the_checks_pass() -> None:
    assert business_settings.endpoints() == {
        "LOOP_AUTHORIZE_URL": f"{LOOP}/v2/auth/authorize/",
        "LOOP_TOKEN_URL": f"{LOOP}/v2/oauth/token/",
        "LOOP_REVOKE_URL": f"{LOOP}/v2/oauth/revoke/",
        "LOOP_USER_INFO_URL": f"{LOOP}/v2/user/info/",
        "LOOP_INTROSPECT_URL": f"{LOOP}/v2/oauth/introspect/",
        "LOOP_GRANT_ENDINGS_URL": f"{LOOP}/v2/oauth/grant_endings/",
    }
    assert provider.can_introspect() and provider.can_read_grant_endings()
    assert check_ids() == []


def test_the_tiktok_preset_names_tiktoks_real_endpoints_without_introspection_and_the_checks_pass(
    settings: Any,
) -> None:
    settings.ACCOUNTLINK_LOOP_PROVIDER = "tiktok"
    assert business_settings.endpoints() == {
        "LOOP_AUTHORIZE_URL": TIKTOK_AUTHORIZE,
        "LOOP_TOKEN_URL": "https://open.tiktokapis.com/v2/oauth/token/",
        "LOOP_REVOKE_URL": "https://open.tiktokapis.com/v2/oauth/revoke/",
        "LOOP_USER_INFO_URL": "https://open.tiktokapis.com/v2/user/info/",
        "LOOP_INTROSPECT_URL": "",
        "LOOP_GRANT_ENDINGS_URL": "",
    }
    assert not provider.can_introspect() and not provider.can_read_grant_endings()
    assert check_ids() == []


@pytest.mark.parametrize("loop_url", ["http://127.0.0.1:8001", "http://localhost:8001", "http://[::1]:8001"])
def test_plain_http_to_a_loopback_address_passes(settings: Any, loop_url: str) -> None:
    settings.ACCOUNTLINK_LOOP_URL = loop_url
    assert check_ids() == []


def test_an_explicit_endpoint_overrides_the_presets_one(settings: Any) -> None:
    settings.ACCOUNTLINK_LOOP_PROVIDER = "tiktok"
    settings.ACCOUNTLINK_LOOP_TOKEN_URL = "https://tokens.example.com/v2/oauth/token/"
    assert business_settings.LOOP_TOKEN_URL == "https://tokens.example.com/v2/oauth/token/"
    assert business_settings.LOOP_AUTHORIZE_URL == TIKTOK_AUTHORIZE
    assert check_ids() == []


# -- what the checks refuse -----------------------------------------------------------------------


def test_an_unknown_provider_fails(settings: Any) -> None:
    settings.ACCOUNTLINK_LOOP_PROVIDER = "tiktokk"
    assert check_ids() == ["business.E001"]


def test_a_client_key_without_its_secret_fails(settings: Any) -> None:
    settings.ACCOUNTLINK_LOOP_CLIENT_SECRET = ""
    assert check_ids() == ["business.E002"]


def test_without_loop_url_every_loop_endpoint_is_missing(settings: Any) -> None:
    settings.ACCOUNTLINK_LOOP_URL = ""
    messages = check_provider_settings(None)
    assert [message.id for message in messages] == ["business.E003"] * 6
    assert "ACCOUNTLINK_LOOP_TOKEN_URL must be an absolute http(s) address" in messages[1].msg


@pytest.mark.parametrize("url", ["/v2/oauth/token/", "ftp://loop.example.com/token", "https://", "loop.example.com"])
def test_an_endpoint_that_is_not_an_absolute_http_address_fails(settings: Any, url: str) -> None:
    settings.ACCOUNTLINK_LOOP_TOKEN_URL = url
    assert check_ids() == ["business.E003"]


@pytest.mark.parametrize("url", ["http://loop.example.com/v2/user/info/", "http://10.0.0.5/v2/user/info/"])
def test_plain_http_to_another_host_fails(settings: Any, url: str) -> None:
    settings.ACCOUNTLINK_LOOP_USER_INFO_URL = url
    assert check_ids() == ["business.E004"]


def test_with_linking_off_only_the_provider_name_is_checked(settings: Any) -> None:
    settings.ACCOUNTLINK_LOOP_CLIENT_KEY = ""
    settings.ACCOUNTLINK_LOOP_CLIENT_SECRET = ""
    settings.ACCOUNTLINK_LOOP_URL = ""
    assert check_ids() == []


def test_manage_check_runs_the_provider_checks(settings: Any) -> None:
    settings.ACCOUNTLINK_LOOP_CLIENT_SECRET = ""
    with pytest.raises(SystemCheckError, match=r"business\.E002"):
        call_command("check")


# -- the same code, at TikTok's endpoints ---------------------------------------------------------


@pytest.fixture
def tiktok(settings: Any, fake_loop: FakeLoop) -> FakeLoop:
    """The TikTok preset, with the fake provider answering at TikTok's real endpoints only."""
    settings.ACCOUNTLINK_LOOP_PROVIDER = "tiktok"
    fake_loop.mock.reset()
    fake_loop.answer(TIKTOK_ENDPOINTS)
    return fake_loop


def test_the_authorize_url_is_tiktoks_with_the_client_key_and_pkce_s256(tiktok: FakeLoop) -> None:
    request = provider.authorization_request()
    assert request.url.startswith(TIKTOK_AUTHORIZE + "?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}
    assert query["client_key"] == "test-client-key"
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert query["state"] == request.state


def test_every_call_goes_to_tiktoks_endpoints(tiktok: FakeLoop, sakura: LoopPerson) -> None:
    tokens = provider.exchange_code(tiktok.code_for(sakura), "verifier")
    assert provider.fetch_identity(tokens.access_token).username == "sakura"
    refreshed = provider.refresh(tokens.refresh_token)
    provider.revoke(refreshed.refresh_token)

    called = [(call.request.method, call.request.url.split("?")[0]) for call in tiktok.mock.calls]
    assert called == [
        ("POST", "https://open.tiktokapis.com/v2/oauth/token/"),
        ("GET", "https://open.tiktokapis.com/v2/user/info/"),
        ("POST", "https://open.tiktokapis.com/v2/oauth/token/"),
        ("POST", "https://open.tiktokapis.com/v2/oauth/revoke/"),
    ]
    assert tiktok.token_requests[0]["code_verifier"] == "verifier"
    assert tiktok.live_grants(sakura) == set()


def test_link_loop_account_links_a_tiktok_account(tiktok: FakeLoop, signed_in: Any, sakura: LoopPerson) -> None:
    started = signed_in.post(LINK_START)
    assert started["Location"].startswith(TIKTOK_AUTHORIZE + "?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(started["Location"]).query).items()}

    response = come_back(signed_in, query, code=tiktok.code_for(sakura))

    assert response.request["PATH_INFO"] == PERSONAL
    assert LoopLink.objects.get().username == "sakura"


# -- user info errors in TikTok's v2 envelope -----------------------------------------------------


def test_an_invalid_access_token_in_tiktoks_envelope_is_an_invalid_token(fake_loop: FakeLoop) -> None:
    with pytest.raises(provider.ProviderRefused) as refused:
        provider.fetch_identity("made-up-token")
    assert refused.value.error == "invalid_token"
    assert "The access token is invalid." in str(refused.value)


def test_another_user_info_error_keeps_its_code(fake_loop: FakeLoop) -> None:
    body = {"data": {}, "error": {"code": "scope_permission_missed", "message": "No scope.", "log_id": "x"}}
    fake_loop.mock.replace(responses.GET, f"{LOOP}/v2/user/info/", json=body, status=401)
    with pytest.raises(provider.ProviderRefused) as refused:
        provider.fetch_identity("any-token")
    assert refused.value.error == "scope_permission_missed"


def test_an_error_code_in_a_200_answer_is_a_refusal(fake_loop: FakeLoop) -> None:
    body = {"data": {}, "error": {"code": "rate_limit_exceeded", "message": "Slow down.", "log_id": "x"}}
    fake_loop.mock.replace(responses.GET, f"{LOOP}/v2/user/info/", json=body, status=200)
    with pytest.raises(provider.ProviderRefused) as refused:
        provider.fetch_identity("any-token")
    assert refused.value.error == "rate_limit_exceeded"


# -- the settings module: one environment variable --------------------------------------------------

PROBE = """
import json
from django.conf import settings
directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
print(json.dumps({
    "provider": settings.ACCOUNTLINK_LOOP_PROVIDER,
    "other_platform": settings.ACCOUNTLINK_OTHER_PLATFORM_URL,
    "img_src": directives["img-src"],
    "form_action": directives["form-action"],
}))
"""


def settings_under(**variables: str) -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "accountlink.settings.test_business", **variables}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_the_environment_chooses_tiktok_and_the_policy_and_readiness_follow() -> None:
    assert settings_under(ACCOUNTLINK_LOOP_PROVIDER="tiktok") == {
        "provider": "tiktok",
        "other_platform": "",  # TikTok has no /healthz
        "img_src": ["'self'", "https://*.tiktokcdn.com", "https://*.tiktokcdn-us.com"],
        "form_action": ["'self'", "https://www.tiktok.com"],
    }
