"""The Content-Security-Policy of Loop for Business (DESIGN §8): strict on every page, with Loop
allowed for the avatars it serves and as a form target (Link Loop account, Continue with Loop and
Verify with Loop are redirected there); Swagger UI's icons on the API docs only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db

LOOP = "https://loop.test"  # ACCOUNTLINK_LOOP_URL in the test settings


def policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize(
    "path", ["/login/", "/signup/", "/help/", "/help/unlink-loop-account/", "/dev/outbox/", "/no-such-page/"]
)
def test_every_page_has_a_strict_policy_that_names_loop_for_images_and_forms(client: HttpClient, path: str) -> None:
    found = policy(client.get(path))
    assert found["default-src"] == ["'self'"]
    assert found["script-src"] == ["'self'"] and found["style-src"] == ["'self'"]
    assert found["object-src"] == ["'none'"] and found["base-uri"] == ["'none'"]
    assert found["frame-ancestors"] == ["'none'"]
    assert found["img-src"] == ["'self'", LOOP]
    assert found["form-action"] == ["'self'", LOOP]


def test_signed_in_pages_and_the_api_have_the_policy(client: HttpClient, make_business_account: Any) -> None:
    client.force_login(make_business_account(email="policy@example.com"))
    for path in ("/adsmanager/", "/settings/", "/settings/personal/", "/api/v1/link"):
        assert policy(client.get(path))["script-src"] == ["'self'"], path


def test_the_api_docs_allow_swagger_uis_data_images_and_nothing_inline(client: HttpClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    found = policy(page)
    assert found["img-src"] == ["'self'", LOOP, "data:"]
    assert found["script-src"] == ["'self'"] and found["style-src"] == ["'self'"]
    assert "data:" not in policy(client.get("/help/"))["img-src"]
