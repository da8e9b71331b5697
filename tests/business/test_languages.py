"""Loop for Business in English, Japanese and Spanish."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.business.pages import log_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "log_in_label", "error"),
    [
        ("en", "Log in", "The login details you entered don&#x27;t match an account."),
        ("ja", "ログイン", "入力したログイン情報に一致するアカウントが見つかりません。"),
        ("es", "Iniciar sesión", "Los datos de inicio de sesión que ingresaste no coinciden con ninguna cuenta."),
    ],
)
def test_the_browser_language_is_used_for_pages_and_errors(
    client: Any, business_account: Any, language: str, log_in_label: str, error: str
) -> None:
    page = client.get(reverse("business:login"), headers={"accept-language": language}).content.decode()
    assert f'<html lang="{language}">' in page
    assert f'<button type="submit" class="block">{log_in_label}</button>' in page
    response = log_in(client, "sakura.biz@example.com", "a-wrong-password", headers={"accept-language": language})
    assert b'data-error-code="login.invalid_credentials"' in response.content
    assert error in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ja", ["登録", "認証コード", "コードが正しくありません。"]),
        ("es", ["Registrarte", "Código de verificación", "Ese código no es correcto."]),
    ],
)
def test_sign_up_and_its_code_errors_are_translated(client: Any, language: str, text: list[str]) -> None:
    headers = {"accept-language": language}
    assert text[0] in client.get(reverse("business:signup"), headers=headers).content.decode()
    client.post(
        reverse("business:signup"),
        {"contact": "aiko.biz@example.com", "password": "a-long-and-unusual-password"},
        headers=headers,
    )
    response = client.post(reverse("business:signup_verify"), {"code": "123456"}, headers=headers)
    page = response.content.decode()
    assert text[1] in page and text[2] in page


@pytest.mark.parametrize(
    ("language", "subject"), [("ja", "Loop for Businessの認証コードです"), ("es", "es tu código de verificación")]
)
def test_the_code_is_sent_in_the_sign_up_language(
    client: Any, sent: Any, run_tasks: Any, language: str, subject: str
) -> None:
    client.post(
        reverse("business:signup"),
        {"contact": "aiko.biz@example.com", "password": "a-long-and-unusual-password"},
        headers={"accept-language": language},
    )
    run_tasks()
    assert subject in sent.last("aiko.biz@example.com").subject


def test_the_language_switcher_sets_the_cookie_and_saves_it_on_the_account(
    signed_in: Any, business_account: Any
) -> None:
    page = signed_in.get(reverse("business:adsmanager")).content.decode()
    assert f'<form action="{reverse("business:set_language")}" method="post">' in page
    response = signed_in.post(reverse("business:set_language"), {"language": "ja", "next": "/adsmanager/"})
    assert response.status_code == 302 and response["Location"] == "/adsmanager/"
    assert response.cookies["lfb_language"].value == "ja"
    business_account.refresh_from_db()
    assert business_account.language == "ja"
    event = AuditEvent.objects.get(account=business_account, kind=EventKind.LANGUAGE_CHANGED)
    assert event.data == {"language": "ja"} and event.actor_id == business_account.pk
    page = signed_in.get("/adsmanager/").content.decode()
    assert '<html lang="ja">' in page and "広告アカウント" in page


def test_choosing_the_same_language_again_records_nothing(signed_in: Any, business_account: Any) -> None:
    signed_in.post(reverse("business:set_language"), {"language": "es"})
    signed_in.post(reverse("business:set_language"), {"language": "es"})
    assert AuditEvent.objects.filter(kind=EventKind.LANGUAGE_CHANGED).count() == 1


def test_the_language_switcher_works_before_login(client: Any) -> None:
    response = client.post(reverse("business:set_language"), {"language": "es", "next": reverse("business:login")})
    assert response["Location"] == reverse("business:login")
    assert response.cookies["lfb_language"].value == "es"
    page = client.get(reverse("business:login"), headers={"accept-language": "ja"}).content.decode()
    assert '<html lang="es">' in page  # the choice beats the browser's default
    assert not AuditEvent.objects.exists()


def test_the_language_switcher_ignores_unknown_languages_and_foreign_redirects(
    signed_in: Any, business_account: Any
) -> None:
    response = signed_in.post(reverse("business:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "lfb_language" not in response.cookies
    business_account.refresh_from_db()
    assert business_account.language == "en"


def test_the_language_switcher_needs_a_post(client: Any) -> None:
    assert client.get(reverse("business:set_language")).status_code == 405


@pytest.mark.parametrize("name", ["business:login", "business:signup", "business:forgot_password"])
def test_the_switcher_is_on_every_page(client: Any, name: str) -> None:
    page = client.get(reverse(name)).content.decode()
    assert 'name="language"' in page and "日本語" in page and "español" in page
