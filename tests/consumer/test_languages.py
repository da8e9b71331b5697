from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountlink.kit.audit.models import AuditEvent, EventKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "login_label", "error_fragment"),
    [("en", "Log in", "match an account"), ("ja", "ログイン", "アカウント"), ("es", "Iniciar sesión", "cuenta")],
)
def test_the_browser_language_is_respected(client: Any, accept: str, login_label: str, error_fragment: str) -> None:
    page = client.get(reverse("loop:login"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<html lang="{accept}">' in page
    assert login_label in page
    response = client.post(reverse("loop:login"), {"identifier": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE=accept)
    assert error_fragment in response.content.decode()


def test_the_language_switcher_sets_the_cookie_and_saves_it_on_the_account(client: Any, loop_account: Any) -> None:
    client.force_login(loop_account)
    response = client.post(reverse("loop:set_language"), {"language": "es", "next": "/profile/"})
    assert response.status_code == 302 and response["Location"] == "/profile/"
    assert response.cookies["loop_language"].value == "es"
    loop_account.refresh_from_db()
    assert loop_account.language == "es"
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.LANGUAGE_CHANGED).exists()
    assert '<html lang="es">' in client.get("/profile/").content.decode()


def test_the_language_switcher_ignores_unknown_languages_and_foreign_redirects(client: Any) -> None:
    response = client.post(reverse("loop:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "loop_language" not in response.cookies


def test_the_switcher_is_on_every_page(client: Any) -> None:
    for name in ("loop:home", "loop:login", "loop:signup", "loop:forgot_password"):
        page = client.get(reverse(name)).content.decode()
        assert 'name="language"' in page and "日本語" in page and "español" in page
