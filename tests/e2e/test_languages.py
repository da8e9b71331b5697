"""Languages in a real browser: the browser's language, an account's language and the switcher."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.steps import DEMO_PASSWORD, log_in_to_loop, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem


def test_business_login_in_spanish_reaches_the_ads_manager(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    page = open_page(locale="es-ES", chosen=False)  # Spanish from the browser's Accept-Language alone
    page.goto(f"{system.business_url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    log_in = page.get_by_role("button", name="Iniciar sesión", exact=True)
    expect(log_in).to_be_visible()
    page.get_by_label("Correo electrónico o número de teléfono").fill("maria.biz@example.com")
    page.get_by_label("Contraseña", exact=True).fill(DEMO_PASSWORD)
    log_in.click()

    expect(page).to_have_url(path_is("/adsmanager/"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("banner").get_by_text("Administrador de anuncios")).to_be_visible()


def test_language_switcher_changes_the_page_and_the_choice_sticks(page: Page, system: RunningSystem) -> None:
    page.goto(f"{system.consumer_url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()

    page.get_by_label("Language").select_option(label="日本語")

    expect(page).to_have_url(path_is("/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("button", name="ログイン", exact=True)).to_be_visible()

    page.get_by_role("link", name="Loop", exact=True).click()  # the brand, to the welcome page
    expect(page).to_have_url(path_is("/"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("footer").get_by_role("combobox")).to_have_value("ja")
    expect(page.get_by_role("main").get_by_role("link", name="ログイン", exact=True)).to_be_visible()


def test_a_login_on_a_new_browser_brings_the_accounts_saved_language_and_a_chosen_one_stays(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    """@sakura's account says Japanese. A new English browser shows her Loop in Japanese once she has
    logged in; a browser whose person chose English keeps English (issue 17)."""
    page = open_page(locale="en-US", chosen=False)
    log_in_to_loop(page, system.consumer_url, "@sakura")
    expect(page).not_to_have_url(path_is("/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto(f"{system.consumer_url}/settings/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("footer").get_by_role("combobox")).to_have_value("ja")

    business = open_page(locale="en-US", chosen=False)
    business.goto(f"{system.business_url}/login/")
    expect(business.locator("html")).to_have_attribute("lang", "en")
    business.get_by_label("Email or phone number").fill("maria.biz@example.com")
    business.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    business.get_by_role("button", name="Log in", exact=True).click()
    expect(business).to_have_url(path_is("/adsmanager/"))
    expect(business.locator("html")).to_have_attribute("lang", "es")

    chosen = open_page(locale="en-US")
    log_in_to_loop(chosen, system.consumer_url, "@sakura")
    expect(chosen).not_to_have_url(path_is("/login/"))
    expect(chosen.locator("html")).to_have_attribute("lang", "en")
