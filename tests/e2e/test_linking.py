"""Linking a Loop account to a Loop for Business account over OAuth, in a real browser (DESIGN §4.3, §4.4, §6).

The servers are shared by the whole session, so every test uses accounts no other test links or
unlinks: demo accounts whose state it leaves as it found them, or fresh accounts it signs up for.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from tests.e2e.steps import (
    DEMO_PASSWORD,
    capture_at_each_size,
    log_in_to_business,
    new_email,
    path_is,
)

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

APP_NAME = "Loop for Business"
SCOPE_DESCRIPTIONS = ["Your name and profile photo", "Your username"]
NEW_PASSWORD = "Harbor-Lantern-7391"
ADULT_BIRTHDAY = "1990-05-20"
# test_business.py's forgot-password test gives aiko.biz@example.com this password; the server is shared,
# so which of the two passwords aiko.biz has depends on the order the tests run in.
AIKO_BIZ_PASSWORDS = (DEMO_PASSWORD, "Maple-Compass-4826")

LOOP_SIGNUP_LABELS = {
    "en": {
        "name": "Name",
        "username": "Username",
        "contact": "Email or phone number",
        "birthday": "Birthday",
        "password": "Password",
        "sign_up": "Sign up",
        "code": "Verification code",
        "confirm": "Confirm",
    },
    "ja": {
        "name": "名前",
        "username": "ユーザー名",
        "contact": "メールアドレスまたは電話番号",
        "birthday": "生年月日",
        "password": "パスワード",
        "sign_up": "登録",
        "code": "認証コード",
        "confirm": "確認",
    },
}


# Steps


def new_handle() -> str:
    return f"e2e_{uuid.uuid4().hex[:12]}"


def sign_up_to_loop(page: Page, system: RunningSystem, display_name: str, language: str = "en") -> str:
    """Sign up for a fresh adult Loop account (code from the outbox) and stay logged in; return its handle."""
    labels = LOOP_SIGNUP_LABELS[language]
    handle = new_handle()
    email = new_email("loop-signup")
    page.goto(f"{system.consumer_url}/signup/")
    page.get_by_label(labels["name"], exact=True).fill(display_name)
    page.get_by_label(labels["username"], exact=True).fill(handle)
    page.get_by_label(labels["contact"], exact=True).fill(email)
    page.get_by_label(labels["birthday"], exact=True).fill(ADULT_BIRTHDAY)
    page.get_by_label(labels["password"], exact=True).fill(NEW_PASSWORD)
    sent_after = system.now()
    page.get_by_role("button", name=labels["sign_up"], exact=True).click()

    expect(page).to_have_url(path_is("/signup/verify/"))
    page.get_by_label(labels["code"], exact=True).fill(system.last_code(email, after=sent_after))
    page.get_by_role("button", name=labels["confirm"], exact=True).click()
    expect(page).to_have_url(f"{system.consumer_url}/")
    return handle


def sign_up_to_business(page: Page, system: RunningSystem) -> str:
    """Sign up for a fresh business account with an email (code from the outbox); return the email."""
    email = new_email("business-signup")
    page.goto(f"{system.business_url}/signup/")
    page.get_by_label("Email or phone number").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    sent_after = system.now()
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page).to_have_url(path_is("/signup/verify/"))
    page.get_by_label("Verification code").fill(system.last_code(email, after=sent_after))
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).to_have_url(path_is("/adsmanager/"))
    return email


def log_in_to_business_as_aiko(page: Page, business_url: str) -> None:
    refused = page.locator('[data-error-code="login.invalid_credentials"]')
    for password in AIKO_BIZ_PASSWORDS:
        page.goto(f"{business_url}/login/")
        page.get_by_label("Email or phone number").fill("aiko.biz@example.com")
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(page.get_by_role("button", name="Profile menu").or_(refused)).to_be_visible()
        if refused.count() == 0:
            expect(page).to_have_url(path_is("/adsmanager/"))
            return
    raise AssertionError("aiko.biz@example.com logs in with none of " + ", ".join(AIKO_BIZ_PASSWORDS))


def open_personal_information(
    page: Page,
    profile_menu: str = "Profile menu",
    user_settings: str = "User settings",
    personal_information: str = "Personal information",
) -> None:
    """From any signed-in business page: Profile menu → User settings → Personal information."""
    page.get_by_role("button", name=profile_menu, exact=True).click()
    page.get_by_role("link", name=user_settings, exact=True).click()
    expect(page).to_have_url(path_is("/settings/"))
    page.get_by_role("link", name=personal_information, exact=True).click()
    expect(page).to_have_url(path_is("/settings/personal/"))
    expect(page.get_by_role("heading", name=personal_information, exact=True)).to_be_visible()


def fill_loop_login(page: Page, identifier: str, password: str = DEMO_PASSWORD) -> None:
    """Log in on the Loop login page the flow was sent to (it carries ``next``, so no ``goto``)."""
    expect(page).to_have_url(path_is("/login/"))
    page.get_by_label("Username, email or phone").fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def loop_account_card(page: Page, heading: str = "Loop account") -> Locator:
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def consent_pages_shown(page: Page) -> list[str]:
    """The URLs of consent screens Loop renders on this page from now on (a skipped consent only redirects)."""
    shown: list[str] = []

    def remember(response: Response) -> None:
        if urlsplit(response.url).path == "/v2/auth/authorize/" and response.status == 200:
            shown.append(response.url)

    page.on("response", remember)
    return shown


def test_link_an_existing_business_account_from_personal_information_after_consent_on_loop(
    page: Page, system: RunningSystem
) -> None:
    log_in_to_business_as_aiko(page, system.business_url)
    open_personal_information(page)
    expect(page.get_by_role("definition").filter(has_text="aiko.biz@example.com")).to_have_text("aiko.biz@example.com")
    page.get_by_role("button", name="Link Loop account", exact=True).click()

    # Not logged in to Loop in this browser: Loop's login page comes first, then the consent screen.
    fill_loop_login(page, "@aiko")
    expect(page).to_have_url(re.compile(rf"^{re.escape(system.consumer_url)}/v2/auth/authorize/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{APP_NAME} would like to access your Loop account")
    expect(page.get_by_text("You're logged in as @aiko.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{APP_NAME} will be able to see:")).to_be_visible()
    scopes = page.get_by_role("list").filter(has_text=SCOPE_DESCRIPTIONS[0]).get_by_role("listitem")
    expect(scopes).to_have_text(SCOPE_DESCRIPTIONS)
    expect(page.get_by_role("button", name="Cancel", exact=True)).to_be_visible()
    assert capture_at_each_size(page, "linking-consent") == []

    authorized_after = system.now()
    page.get_by_role("button", name="Authorize", exact=True).click()

    expect(page).to_have_url(f"{system.business_url}/settings/personal/")
    expect(page.get_by_role("status")).to_have_text("Your Loop account @aiko is now linked.")
    card = loop_account_card(page)
    expect(card).to_contain_text("Aiko Mori")
    expect(card).to_contain_text("@aiko")
    expect(card).to_contain_text("Linked since")
    expect(card.get_by_role("button", name="Link Loop account", exact=True)).to_have_count(0)
    avatar = card.locator("img")
    expect(avatar).to_be_visible()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=avatar.element_handle())
    assert capture_at_each_size(page, "linking-linked") == []

    # R8: the holder hears about it on both platforms (each in the account's own language).
    business_notice = system.last_message("aiko.biz@example.com", after=authorized_after)
    assert "@aiko" in business_notice["body"], business_notice
    loop_notice = system.last_message("aiko@example.com", after=authorized_after)
    assert APP_NAME in loop_notice["subject"], loop_notice


# Sign up or log in with a Loop account (DESIGN §4.4)


@pytest.mark.parametrize("locale", ["ja-JP"])
def test_continue_with_loop_on_the_sign_up_page_in_japanese_creates_a_linked_business_account(
    page: Page, system: RunningSystem
) -> None:
    handle = sign_up_to_loop(page, system, "木村 陽菜", language="ja")

    page.goto(f"{system.business_url}/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("button", name="登録", exact=True)).to_be_visible()
    page.get_by_role("button", name="Loopで続ける", exact=True).click()

    # Already logged in to Loop in this browser: straight to the consent screen.
    expect(page).to_have_url(re.compile(rf"^{re.escape(system.consumer_url)}/v2/auth/authorize/\?"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_contain_text(APP_NAME)
    expect(page.get_by_text(f"@{handle}")).to_be_visible()
    scopes = page.get_by_role("list").filter(has_text="名前とプロフィール写真").get_by_role("listitem")
    expect(scopes).to_have_text(["名前とプロフィール写真", "ユーザー名"])
    page.get_by_role("button", name="許可する", exact=True).click()

    # Not linked yet: asked whether to create a new business account or link an existing one (issue 17).
    expect(page).to_have_url(f"{system.business_url}/login/loop/choose/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.locator('button[name="choice"][value="create"]').click()

    expect(page).to_have_url(f"{system.business_url}/settings/personal/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="個人情報", exact=True)).to_be_visible()
    # The new account is linked and asked (not forced) to add an email or phone.
    message = page.get_by_role("status")
    expect(message).to_contain_text(f"@{handle}")
    expect(message).to_contain_text("メールアドレスまたは電話番号を追加してください")
    card = loop_account_card(page, "Loopアカウント")
    expect(card).to_contain_text("木村 陽菜")
    expect(card).to_contain_text(f"@{handle}")
    expect(card).to_contain_text("から連携中")
    expect(page.get_by_role("definition").filter(has_text="未登録")).to_have_count(2)  # no email, no phone
    expect(page.get_by_role("link", name="メールアドレスを追加", exact=True)).to_be_visible()


def test_continue_with_loop_on_the_login_page_as_sakura_logs_in_to_her_linked_business_account(
    page: Page, system: RunningSystem
) -> None:
    consent_pages = consent_pages_shown(page)
    page.goto(f"{system.business_url}/login/")
    page.get_by_role("button", name="Continue with Loop", exact=True).click()

    fill_loop_login(page, "@sakura")

    expect(page).to_have_url(f"{system.business_url}/adsmanager/")
    assert consent_pages == [], "Loop asked again for a permission @sakura has already given"
    open_personal_information(page)
    expect(page.get_by_role("definition").filter(has_text="sakura.biz@example.com")).to_have_text(
        "sakura.biz@example.com"
    )
    expect(loop_account_card(page)).to_contain_text("@sakura")


@pytest.mark.parametrize("locale", ["es-ES"])
def test_continue_with_loop_in_spanish_as_maria_logs_in_to_her_linked_business_account(
    page: Page, system: RunningSystem
) -> None:
    page.goto(f"{system.business_url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Iniciar sesión", exact=True)).to_be_visible()
    page.get_by_role("button", name="Continuar con Loop", exact=True).click()

    expect(page).to_have_url(path_is("/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Nombre de usuario, correo electrónico o teléfono").fill("@maria")
    page.get_by_label("Contraseña", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()

    expect(page).to_have_url(f"{system.business_url}/adsmanager/")
    expect(page.get_by_role("banner").get_by_text("Administrador de anuncios")).to_be_visible()
    open_personal_information(
        page,
        profile_menu="Menú del perfil",
        user_settings="Configuración de usuario",
        personal_information="Información personal",
    )
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("term").filter(has_text="Correo electrónico")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="maria.biz@example.com")).to_have_text(
        "maria.biz@example.com"
    )
    card = loop_account_card(page, "Cuenta de Loop")
    expect(card).to_contain_text("@maria")
    expect(card).to_contain_text("Vinculada desde el")


# Refusals (DESIGN §6), shown on Personal information with their code


def expect_link_refused(page: Page, system: RunningSystem, code: str) -> Locator:
    expect(page).to_have_url(f"{system.business_url}/settings/personal/")
    alert = page.locator(f'[data-error-code="{code}"]')
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    # Nothing was linked: the card still offers to link.
    expect(loop_account_card(page).get_by_role("button", name="Link Loop account", exact=True)).to_be_visible()
    return alert


def test_cancel_on_the_consent_screen_links_nothing_and_says_so(page: Page, system: RunningSystem) -> None:
    sign_up_to_loop(page, system, "Noa Fujii")
    sign_up_to_business(page, system)
    page.goto(f"{system.business_url}/settings/personal/")
    page.get_by_role("button", name="Link Loop account", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{APP_NAME} would like to access your Loop account")
    page.get_by_role("button", name="Cancel", exact=True).click()

    alert = expect_link_refused(page, system, "link.consent_denied")
    expect(alert).to_contain_text("nothing was linked")


def test_a_loop_account_under_18_cannot_be_linked(page: Page, system: RunningSystem) -> None:
    consent_pages = consent_pages_shown(page)
    log_in_to_business(page, system.business_url, "hana.biz@example.com")
    page.goto(f"{system.business_url}/settings/personal/")
    page.get_by_role("button", name="Link Loop account", exact=True).click()

    fill_loop_login(page, "@taro")

    alert = expect_link_refused(page, system, "link.age_requirement")
    expect(alert).to_contain_text("18 or older")
    assert consent_pages == [], "Loop offered consent to a holder under 18"


def test_a_loop_account_linked_elsewhere_is_refused_without_saying_where(page: Page, system: RunningSystem) -> None:
    log_in_to_business(page, system.business_url, "hana.biz@example.com")
    page.goto(f"{system.business_url}/settings/personal/")
    page.get_by_role("button", name="Link Loop account", exact=True).click()

    fill_loop_login(page, "@maria")  # linked to maria.biz@example.com

    alert = expect_link_refused(page, system, "link.already_linked")
    expect(alert).to_contain_text("already linked")
    expect(page.get_by_text("maria.biz@example.com")).to_have_count(0)
