"""Languages in a real browser: the browser's language, an account's language and the switcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import DEMO_PASSWORD, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem


@pytest.mark.parametrize("locale", ["es-ES"])
def test_business_login_in_spanish_reaches_the_ads_manager(page: Page, system: RunningSystem) -> None:
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
