"""Machine endpoints skip the browser's middleware (kit/machine.py, issue 18): no session is read or
written, no cookie is set, and their answers carry a policy that allows nothing. Pages keep all of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import translation

from accountlink.kit.machine import MACHINE_POLICY
from accountlink.kit.sessions.models import AccountSession
from tests.consumer.oauth_helpers import issue_tokens, register

pytestmark = pytest.mark.django_db


def test_user_info_neither_reads_nor_writes_the_session_of_a_signed_in_browser(browser: HttpClient) -> None:
    tokens = issue_tokens(browser, register())
    row = AccountSession.objects.get()
    touched = row.last_active_at

    answer = browser.get(
        "/v2/user/info/", {"fields": "open_id"}, headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )

    assert answer.status_code == 200
    assert not answer.cookies  # no session, CSRF or language cookie
    assert "Cookie" not in answer.get("Vary", "")
    assert answer["Content-Security-Policy"] == MACHINE_POLICY
    assert "X-Request-ID" in answer  # what every answer keeps
    row.refresh_from_db()
    assert row.last_active_at == touched  # the session registry did not run


def test_a_page_still_has_its_session_and_policy(browser: HttpClient) -> None:
    page = browser.get("/settings/")
    assert page.status_code == 200
    assert page.wsgi_request.user.is_authenticated
    assert "form-action" in page["Content-Security-Policy"]


def test_the_consent_page_under_v2_is_a_page_not_a_machine_endpoint(browser: HttpClient, settings: Any) -> None:
    assert not any("/v2/auth/authorize/".startswith(prefix) for prefix in settings.ACCOUNTLINK_MACHINE_PATHS)
    answer = browser.get("/v2/auth/authorize/")
    assert answer.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("path", ["/v2/oauth/no-such-endpoint/", "/v2/user/no-such-endpoint/", "/metrics"])
def test_an_unknown_machine_path_is_a_plain_not_found(browser: HttpClient, path: str, settings: Any) -> None:
    answer = browser.get(path, headers={"Accept-Language": "ja"})
    assert answer.status_code == 404
    assert settings.SESSION_COOKIE_NAME not in answer.cookies
    # Someone who typed the address sees the platform's own 404 page, styled and in their language:
    # a page drawn on a machine path gets the pages' policy, not the one that allows nothing.
    assert answer["Content-Type"].startswith("text/html")
    assert "ページが見つかりません" in answer.content.decode()
    policy = answer["Content-Security-Policy"]
    assert policy != MACHINE_POLICY
    assert "style-src 'self'" in policy or "default-src 'self'" in policy


def test_a_machine_answer_takes_its_language_from_accept_language_and_never_searches_its_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(translation, "get_language_from_path", lambda path: pytest.fail(f"searched {path}"))
    for language in ("ja", "es", "en"):
        answer = HttpClient().get(
            "/v2/user/info/", {"fields": "open_id"}, headers={"Authorization": "Bearer no", "Accept-Language": language}
        )
        assert answer.status_code == 401
        assert answer["Content-Language"] == language
        assert "Accept-Language" in answer["Vary"]
