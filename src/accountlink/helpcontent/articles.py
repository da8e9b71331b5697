"""Finding and showing the help articles: by slug, by search, and each step with its illustration.

Articles live in ``helpcontent/content/``, one module per article, each defining ``ARTICLE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language

from .content import ARTICLES, CATEGORIES
from .parts import Article, Category, Platform, Section, Step


def all_articles() -> dict[str, Article]:
    return {article.slug: article for article in ARTICLES}


def find(slug: str) -> Article | None:
    return all_articles().get(slug)


def all_categories() -> dict[str, Category]:
    return {category.slug: category for category in CATEGORIES}


def find_category(slug: str) -> Category | None:
    return all_categories().get(slug)


def trail(category: Category) -> list[Category]:
    """The breadcrumb down to ``category``: its top category first, itself last."""
    found = [category]
    while found[0].parent is not None:
        found.insert(0, all_categories()[found[0].parent])
    return found


def subcategories(category: Category | None) -> list[Category]:
    """The categories directly under ``category`` (under none: the top ones), in their order."""
    parent = category.slug if category is not None else None
    return [other for other in CATEGORIES if other.parent == parent]


def filed_under(category: Category, platform: Platform = "business") -> list[Article]:
    """The articles filed in ``category`` itself, in the help center's order."""
    return [article for article in ARTICLES if article.category == category.slug and article.platform == platform]


def shelves(category: Category | None = None) -> list[tuple[Category, list[Article]]]:
    """Every category at or under ``category`` (under none: all) that has articles, with them, depth
    first: what a category page and the index list."""
    found: list[tuple[Category, list[Article]]] = []
    if category is not None and filed_under(category):
        found.append((category, filed_under(category)))
    for below in subcategories(category):
        found.extend(shelves(below))
    return found


def search(query: str, platform: Platform = "business") -> list[Article]:
    """Articles whose words, in the current language, contain every word of the query."""
    terms = [term.casefold() for term in query.split() if term.strip()]
    if not terms:
        return []
    found = []
    for article in all_articles().values():
        if article.platform != platform:
            continue
        words = article.words().casefold()
        if all(term in words for term in terms):
            found.append(article)
    return found


# Illustrations: ``accountlink help-screenshots`` walks every step on the running system and saves
# what the step shows, per language, under the package's static files.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SCREENSHOTS_DIR = STATIC_DIR / "accountlink" / "help"


def screenshot_name(language: str, slug: str, anchor: str, number: int) -> str:
    """The static path of the screenshot of step ``number`` (from 1) of a section, in a language."""
    return f"accountlink/help/{language}/{slug}/{anchor}-{number}.jpg"


@dataclass(frozen=True)
class ShownStep:
    step: Step
    number: int
    screenshot: str  # its URL, or "" before help-screenshots has been run for it


@dataclass(frozen=True)
class ShownSection:
    section: Section
    steps: tuple[ShownStep, ...]


def shown_sections(article: Article) -> list[ShownSection]:
    """The article's sections with each step's illustration in the current language."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    shown = []
    for section in article.sections:
        steps = []
        for number, step in enumerate(section.steps, start=1):
            name = screenshot_name(language, article.slug, section.anchor, number)
            exists = (STATIC_DIR / name).is_file()
            steps.append(ShownStep(step, number, static(name) if exists else ""))
        shown.append(ShownSection(section, tuple(steps)))
    return shown
