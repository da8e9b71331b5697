"""Every error with a help article links to the section that explains it, in the reader's language
(DESIGN §6, issue 6); the articles carry what the walker needs, and their illustrations exist."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import translation

from accountlink.business.accounts.models import BusinessAccount
from accountlink.helpcontent.articles import SCREENSHOTS_DIR, STATIC_DIR, all_articles, screenshot_name
from accountlink.helpcontent.topics import HELP_SECTIONS
from accountlink.kit.errors import ErrorCode
from accountlink.kit.helplinks import help_url
from tests.business.fake_loop import FakeLoop
from tests.business.pages import confirm, link_in_new_browser, log_in, open_dialog, send_code

pytestmark = pytest.mark.django_db

# The table of DESIGN §6.
DESIGN_ERRORS = [
    "link.already_linked",
    "link.business_has_link",
    "link.age_requirement",
    "link.account_unavailable",
    "link.consent_denied",
    "link.session_expired",
    "link.provider_unavailable",
    "unlink.managed_account",
    "unlink.no_contact",
    "unlink.last_login_method",
    "code.invalid",
    "code.expired",
    "code.too_many_attempts",
    "code.resend_too_soon",
    "code.rate_limited",
    "login.invalid_credentials",
    "login.suspended",
]
LEARN_MORE = {"en": "Learn more about this", "ja": "詳しくはこちら", "es": "Más información"}


def section_ids(client: HttpClient, slug: str, language: str = "en") -> set[str]:
    page = client.get(f"/help/{slug}/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    return set(re.findall(r'<section id="([\w-]+)" data-section', page.content.decode()))


def help_links(html: str) -> dict[str, str]:
    """``data-help-for`` code → ``href`` of every "Learn more" link on a page."""
    return {
        code: href.replace("&amp;", "&")
        for href, code in re.findall(r'<a class="alert-help" href="([^"]+)" data-help-for="([^"]+)">', html)
    }


def follow(client: HttpClient, href: str) -> tuple[str, str]:
    """Click "Learn more": the page it lands on (after the language redirect) and the section asked for."""
    address, _, anchor = href.partition("#")
    landed = client.get(address, follow=True)
    assert landed.status_code == 200
    return landed.content.decode(), anchor


@pytest.mark.parametrize("code", DESIGN_ERRORS)
def test_every_error_of_the_design_has_a_section_that_exists(client: HttpClient, code: str) -> None:
    slug, anchor = HELP_SECTIONS[ErrorCode(code)]
    for language in ("en", "ja", "es"):
        assert anchor in section_ids(client, slug, language)


def test_every_section_an_error_names_exists(client: HttpClient) -> None:
    for code, (slug, anchor) in HELP_SECTIONS.items():
        assert anchor in section_ids(client, slug), f"{code} names {slug}#{anchor}, which does not exist"


def test_the_troubleshooting_article_has_one_section_per_link_and_unlink_code(client: HttpClient) -> None:
    sections = section_ids(client, "linking-errors")
    for code in ErrorCode:
        if code.value.startswith(("link.", "unlink.")):
            assert code.value.replace(".", "-").replace("_", "-") in sections


def test_the_address_names_the_readers_language_and_the_section() -> None:
    with translation.override("ja"):
        assert help_url(ErrorCode.LINK_CONSENT_DENIED) == "/help/linking-errors/?lang=ja#link-consent-denied"
        assert help_url("login.suspended", absolute=True) == (
            "http://testserver/help/cant-log-in/?lang=ja#login-suspended"
        )
    assert help_url(ErrorCode.WEBHOOK_BAD_SIGNATURE) == ""  # nothing for people to read about
    assert help_url("no.such_code") == ""


def test_the_language_in_the_address_is_kept_and_dropped_from_it(client: HttpClient) -> None:
    answer = client.get("/help/cant-log-in/?lang=es")
    assert answer.status_code == 302 and answer["Location"] == "/help/cant-log-in/"
    assert answer.cookies["lfb_language"].value == "es"
    page = client.get(answer["Location"]).content.decode()
    assert '<html lang="es">' in page
    # The language switcher goes on working afterwards: its return address has no ?lang=.
    assert 'name="next" value="/help/cant-log-in/"' in page
    # Other parameters stay; an unknown language changes nothing.
    answer = client.get("/help/search/?q=code&lang=xx")
    assert answer["Location"] == "/help/search/?q=code" and "lfb_language" not in answer.cookies


@pytest.mark.parametrize("language", ["en", "ja", "es"])
def test_a_wrong_login_links_to_its_section_in_the_readers_language(client: HttpClient, language: str) -> None:
    client.cookies["lfb_language"] = language
    html = log_in(client, "nobody@example.com", "not-the-password").content.decode()

    links = help_links(html)
    assert links == {"login.invalid_credentials": f"/help/cant-log-in/?lang={language}#login-invalid-credentials"}
    assert f">{LEARN_MORE[language]}</a>" in html
    page, anchor = follow(client, links["login.invalid_credentials"])
    assert f'<html lang="{language}">' in page and f'<section id="{anchor}"' in page


def test_the_managed_refusal_links_to_its_section(
    make_business_account: Any, manager: BusinessAccount, fake_loop: FakeLoop
) -> None:
    managed = make_business_account(email="managed@example.com", account_manager=manager)
    browser = link_in_new_browser(managed, fake_loop, fake_loop.person("ren"))

    href = help_links(open_dialog(browser))["unlink.managed_account"]

    page, anchor = follow(browser, href)
    assert anchor == "unlink-managed-account" and f'<section id="{anchor}"' in page


def test_a_wrong_code_links_to_its_section(linked_browser: HttpClient, outbox: Any, run_tasks: Any) -> None:
    send_code(linked_browser)
    html = confirm(linked_browser, "000000").content.decode()
    if "code.invalid" not in help_links(html):  # the one chance in a million that 000000 was the code
        html = confirm(linked_browser, "111111").content.decode()

    page, anchor = follow(linked_browser, help_links(html)["code.invalid"])
    assert anchor == "code-invalid" and f'<section id="{anchor}"' in page


# The articles: what the walker reads, and the illustrations it made


def test_each_step_tells_the_walker_its_label_role_platform_and_value(client: HttpClient) -> None:
    html = client.get("/help/unlink-loop-account/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert (
        '<li data-step="9" data-label="認証コード" data-role="field" data-platform="business" data-value="code">'
    ) in html
    assert '<li data-step="3" data-label="メニュー" data-role="button" data-platform="loop" data-value="">' in html


@pytest.mark.parametrize("language", ["en", "ja", "es"])
def test_every_step_is_illustrated_in_every_language(client: HttpClient, language: str) -> None:
    """``accountlink help-screenshots`` was run after the last change to an article's steps."""
    for article in all_articles().values():
        for section in article.sections:
            for number, _step in enumerate(section.steps, start=1):
                name = screenshot_name(language, article.slug, section.anchor, number)
                assert (STATIC_DIR / name).is_file(), f"{name} is missing: run help-screenshots"
    html = client.get("/help/link-existing-account/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<img src="/static/accountlink/help/{language}/link-existing-account/link-in-user-settings-1.jpg"' in html


def test_no_illustration_is_left_from_a_step_that_is_gone() -> None:
    expected = {
        screenshot_name(language, article.slug, section.anchor, number)
        for language in ("en", "ja", "es")
        for article in all_articles().values()
        for section in article.sections
        for number in range(1, len(section.steps) + 1)
    }
    found = {str(path.relative_to(STATIC_DIR)) for path in SCREENSHOTS_DIR.rglob("*.jpg")}
    assert found == expected


@pytest.mark.parametrize("language", ["en", "ja", "es"])
def test_every_article_reads_in_every_language_and_links_its_related_articles(
    client: HttpClient, language: str
) -> None:
    for article in all_articles().values():
        if article.platform != "business":
            assert client.get(f"/help/{article.slug}/").status_code == 404  # shown on Loop
            continue
        html = client.get(f"/help/{article.slug}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}">' in html
        assert 'aria-label="' in html and "breadcrumbs" in html
        assert article.related, f"{article.slug} lists no related articles"
        for slug in article.related:
            if all_articles()[slug].platform == "business":
                assert f'href="/help/{slug}/"' in html


def test_the_help_center_is_one_click_from_every_page(client: HttpClient) -> None:
    for address in ("/login/", "/signup/", "/help/unlink-loop-account/"):
        page = client.get(address).content.decode()
        assert '<a href="/help/">Help Center</a>' in page, address
