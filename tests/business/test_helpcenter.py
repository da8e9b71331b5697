"""The help center on Loop for Business (issue 6): articles, search, breadcrumbs, Was this helpful?"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from accountlink.helpcenter.actions import vote_counts
from accountlink.helpcenter.models import ArticleVote
from accountlink.helpcontent.articles import all_articles
from accountlink.helpcontent.parts import Label

pytestmark = pytest.mark.django_db

UNLINK = reverse("help:article", args=["unlink-loop-account"])


def test_the_index_lists_the_articles_with_breadcrumbs(client: HttpClient) -> None:
    page = client.get(reverse("help:index")).content.decode()
    assert "<h1>Help Center</h1>" in page and 'aria-label="Breadcrumbs"' in page
    assert f'href="{UNLINK}"' in page
    assert "How to unlink a Loop account from an existing Loop for Business account" in page


def test_the_unlink_article_has_both_paths_before_you_start_and_the_managed_note(client: HttpClient) -> None:
    page = client.get(UNLINK).content.decode()
    for anchor in ("before-you-start", "unlink-in-user-settings", "remove-access-in-loop", "after-unlinking"):
        assert f'id="{anchor}"' in page
    assert "Managed accounts can" in page and "Contact your account manager" in page
    assert f'<li><a href="{reverse("help:index")}">Help Center</a></li>' in page
    # The steps show the UI's own labels.
    for label in ("User settings", "Personal information", "Unlink Loop account", "Send code", "Remove access"):
        assert f'<strong class="ui-label">{label}</strong>' in page


def test_every_step_label_is_a_message_the_ui_translates() -> None:
    """A label that no template or form uses would not be in the catalogs: the article would name a
    button that does not exist."""
    for language in ("ja", "es"):
        catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
        for article in all_articles().values():
            for section in article.sections:
                for step in section.steps:
                    if step.label is None:
                        continue
                    key = f"{step.label.context}\x04{step.label.msgid}" if step.label.context else step.label.msgid
                    assert catalog.get(key), f"{step.label} is not a translated UI message in {language}"


def test_the_article_speaks_the_visitors_language_with_the_seed_labels(client: HttpClient) -> None:
    page = client.get(UNLINK, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja">' in page
    assert '<strong class="ui-label">個人情報</strong>' in page
    assert '<strong class="ui-label">Loopアカウントの連携を解除</strong>' in page
    assert '<strong class="ui-label">アクセス権限を削除</strong>' in page


def test_a_label_with_a_context_is_that_contexts_translation() -> None:
    with translation.override("ja"):
        assert Label("Unlink %(brand)s account", "button").text() == "Loopアカウントの連携を解除"
        assert Label("Unlink %(brand)s account", "dialog title").text() == "Loopアカウントの連携解除"


def test_search_finds_articles_by_their_words_in_the_current_language(client: HttpClient) -> None:
    page = client.get(reverse("help:search"), {"q": "remove access"}).content.decode()
    assert f'href="{UNLINK}"' in page
    page = client.get(reverse("help:search"), {"q": "連携 解除"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'href="{UNLINK}"' in page
    page = client.get(reverse("help:search"), {"q": "zebra crossing"}).content.decode()
    assert "No articles match" in page


def test_an_unknown_article_is_not_found(client: HttpClient) -> None:
    assert client.get(reverse("help:article", args=["no-such-article"])).status_code == 404
    assert client.post(reverse("help:vote", args=["no-such-article"]), {"helpful": "yes"}).status_code == 404


def vote(client: HttpClient, answer: str) -> Any:
    return client.post(reverse("help:vote", args=["unlink-loop-account"]), {"helpful": answer}, follow=True)


def test_one_vote_per_visitor_per_article_and_a_second_answer_replaces_the_first(client: HttpClient) -> None:
    response = vote(client, "yes")
    assert "Thank you for your feedback." in response.content.decode()
    vote(client, "yes")
    assert vote_counts("unlink-loop-account") == (1, 0)
    vote(client, "no")
    assert vote_counts("unlink-loop-account") == (0, 1)
    vote(HttpClient(), "yes")  # another visitor
    assert vote_counts("unlink-loop-account") == (1, 1)
    assert ArticleVote.objects.count() == 2


def test_a_vote_without_an_answer_or_by_get_counts_nothing(client: HttpClient) -> None:
    vote(client, "maybe")
    assert client.get(reverse("help:vote", args=["unlink-loop-account"])).status_code == 405
    assert not ArticleVote.objects.exists()


def test_support_staff_see_the_counts_and_visitors_do_not(client: HttpClient, agent_browser: HttpClient) -> None:
    vote(HttpClient(), "yes")
    vote(HttpClient(), "no")
    vote(HttpClient(), "yes")
    assert "data-vote-counts" not in client.get(UNLINK).content.decode()
    page = agent_browser.get(UNLINK).content.decode()
    assert "Staff only: 2 found this helpful, 1 did not." in page


@pytest.mark.parametrize("language", ["en", "ja"])
def test_step_pictures_do_not_repeat_the_step_text_to_screen_readers(client: HttpClient, language: str) -> None:
    """A step's picture shows the page its text describes: its text alternative is empty (WCAG 1.1.1),
    so a screen reader reads each step once (issue 17: help pictures repeated the step text as alt)."""
    html = client.get(UNLINK, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    pictures = re.findall(r'<img src="[^"]*/accountlink/help/[^"]+"[^>]*>', html)
    assert len(pictures) >= 10
    assert all(' alt="" ' in picture for picture in pictures), pictures[0]
    assert "<figure" not in html
