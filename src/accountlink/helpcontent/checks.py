"""Every section the error table names exists, checked at start-up rather than when a reader follows
a link to nowhere."""

from __future__ import annotations

from typing import Any

from django.core import checks

from .articles import find
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
