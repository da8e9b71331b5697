"""The help article that is the seed, to its letter (issue 17): its title with 「既存の」, its breadcrumb
with the seed's categories (はじめに / TikTokアカウント / TikTokアカウントの概要, Loop for TikTok), each a
page of the help center, and the seed's three related articles, in the seed's order."""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db

ARTICLE = "/help/unlink-loop-account/"
CATEGORIES = ["getting-started", "loop-accounts", "loop-accounts-overview"]
RELATED = ["link-existing-account", "sign-up-with-loop", "loop-account-types"]

# What the seed says, with Loop for TikTok. The Japanese wording is the seed's.
SEED_JA = {
    "title": "Loopアカウントと既存のLoop for Businessアカウントの連携を解除する方法",
    "breadcrumb": ["ヘルプセンター", "はじめに", "Loopアカウント", "Loopアカウントの概要"],
    "related": [
        "既存のLoop for BusinessアカウントとLoopアカウントの連携方法",
        "新しいLoop for BusinessアカウントをLoopアカウントと連携させる方法",
        "Loopアカウントの種類",
    ],
}
EN = {
    "title": "How to unlink a Loop account from an existing Loop for Business account",
    "breadcrumb": ["Help Center", "Getting started", "Loop accounts", "Loop accounts overview"],
    "related": [
        "How to link an existing Loop for Business account with a Loop account",
        "How to link a new Loop for Business account with a Loop account",
        "Loop account types",
    ],
}


def page(client: HttpClient, address: str, language: str) -> str:
    response = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, address
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    return html


def heading(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found, "no h1"
    return found.group(1).strip()


def breadcrumb(html: str) -> list[tuple[str, str]]:
    """(address, words) of each crumb; the address is "" for the current page's own."""
    nav = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumb"
    crumbs = re.findall(r"<li[^>]*>(?:<a href=\"([^\"]*)\">)?(.*?)(?:</a>)?</li>", nav.group(1), re.S)
    return [(address, words.strip()) for address, words in crumbs]


def related(html: str) -> list[tuple[str, str]]:
    section = re.search(r'<section class="help-related">(.*?)</section>', html, re.S)
    assert section, "no related articles"
    return re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', section.group(1))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_title_is_the_seeds_with_existing(client: HttpClient, language: str) -> None:
    expected = (SEED_JA if language == "ja" else EN)["title"]
    html = page(client, ARTICLE, language)
    assert heading(html) == expected
    assert f"<title>{expected}" in html


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_breadcrumb_is_the_seeds_categories_each_a_link(client: HttpClient, language: str) -> None:
    expected = (SEED_JA if language == "ja" else EN)["breadcrumb"]
    crumbs = breadcrumb(page(client, ARTICLE, language))
    assert [words for _address, words in crumbs] == expected
    assert [address for address, _words in crumbs] == ["/help/", *(f"/help/categories/{slug}/" for slug in CATEGORIES)]


def test_the_breadcrumb_is_translated_in_spanish(client: HttpClient) -> None:
    crumbs = [words for _address, words in breadcrumb(page(client, ARTICLE, "es"))]
    assert len(crumbs) == 4 and crumbs[0] == "Centro de ayuda"
    assert "Getting started" not in crumbs and "Loop accounts overview" not in crumbs


@pytest.mark.parametrize("language", ["en", "ja", "es"])
def test_each_category_of_the_breadcrumb_is_a_page_that_leads_to_the_article(client: HttpClient, language: str) -> None:
    crumbs = breadcrumb(page(client, ARTICLE, language))
    for number, (address, words) in enumerate(crumbs[1:], start=1):
        html = page(client, address, language)
        assert heading(html) == words
        # Its own breadcrumb: the categories above it, then itself as the current page.
        assert breadcrumb(html) == [*crumbs[:number], ("", words)]
        assert f'href="{ARTICLE}"' in html, f"{address} does not lead to the article"


def test_the_overview_lists_the_articles_filed_in_it(client: HttpClient) -> None:
    html = page(client, "/help/categories/loop-accounts-overview/", "en")
    for slug in ["unlink-loop-account", *RELATED]:
        assert f'href="/help/{slug}/"' in html


def test_the_index_lists_every_article_under_its_category(client: HttpClient) -> None:
    html = page(client, "/help/", "en")
    assert 'href="/help/categories/loop-accounts-overview/">Loop accounts overview</a>' in html
    assert 'href="/help/categories/loop-accounts-troubleshooting/">Troubleshooting</a>' in html
    for slug in ["unlink-loop-account", *RELATED, "linking-errors", "cant-log-in"]:
        assert f'href="/help/{slug}/"' in html
    assert 'href="/help/manage-app-permissions/"' not in html  # Loop shows that one


def test_an_unknown_category_is_not_found(client: HttpClient) -> None:
    assert client.get("/help/categories/no-such-category/").status_code == 404


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_related_articles_are_the_seeds_three_in_its_order(client: HttpClient, language: str) -> None:
    expected = (SEED_JA if language == "ja" else EN)["related"]
    found = related(page(client, ARTICLE, language))
    assert found == [(f"/help/{slug}/", title) for slug, title in zip(RELATED, expected, strict=True)]
    for slug, title in zip(RELATED, expected, strict=True):
        assert heading(page(client, f"/help/{slug}/", language)) == title  # the same words as its page
