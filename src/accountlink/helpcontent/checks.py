"""Every section the error table names exists, and every help center article and category is filed
under a category that exists, checked at start-up rather than when a reader follows a link to nowhere."""

from __future__ import annotations

from typing import Any

from django.core import checks

from .articles import all_articles, all_categories, find
from .topics import HELP_SECTIONS


@checks.register()
def check_help_sections(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for topic, (slug, anchor) in HELP_SECTIONS.items():
        article = find(slug)
        if article is None or anchor not in {section.anchor for section in article.sections}:
            errors.append(
                checks.Error(
                    f"The help topic {topic} names {slug}#{anchor}, which does not exist.", id="helpcontent.E001"
                )
            )
    return errors


@checks.register()
def check_help_categories(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    categories = all_categories()
    for category in categories.values():
        if category.parent is not None and category.parent not in categories:
            errors.append(
                checks.Error(
                    f"The help category {category.slug} is under {category.parent}, which does not exist.",
                    id="helpcontent.E002",
                )
            )
    for article in all_articles().values():
        if article.platform == "business" and article.category not in categories:
            errors.append(
                checks.Error(
                    f"The help article {article.slug} is filed under {article.category or 'no category'}, "
                    "which does not exist.",
                    id="helpcontent.E003",
                )
            )
    return errors
