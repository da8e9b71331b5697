from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_pages_get_a_translated_not_found_page(client: Any, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert '<html lang="es">' in response.content.decode()
    assert "Page not found" not in response.content.decode()


def test_a_form_without_its_csrf_token_gets_a_translated_page(loop_account: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"identifier": "sakura", "password": "x"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 403
    assert '<html lang="ja">' in response.content.decode()
    assert "Please try again" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/login/",
        "/signup/",
        "/signup/verify/",
        "/password/forgot/",
        "/password/reset/",
        "/language/",
        "/settings/account/",
        "/settings/security/password/",
    ],
)
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"identifier": "\x00", "password": "\x00", "code": "\x00", "language": "\x00"},
        {"handle": "x" * 10_000, "contact": "@" * 300, "birth_date": "0000-00-00", "code": "１２３４５６"},
        {"account_type": ["personal", "business"], "new_password": "é" * 5000, "current_password": ""},
    ],
)
def test_no_form_crashes_on_bad_input(client: Any, loop_account: Any, path: str, data: dict[str, Any]) -> None:
    if path.startswith("/settings/"):
        client.force_login(loop_account)
    response = client.post(path, data)
    assert response.status_code in {200, 302}
