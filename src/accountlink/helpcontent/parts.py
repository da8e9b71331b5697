"""What a help article is made of (issue 6). A step names the UI label it refers to by its message
id, so the article shows exactly the words the page shows, in every language, and the walker
(``accountlink.devtools.walker``) can find the same label on the running system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from accountlink.kit.brand import brand_names

Platform = Literal["business", "loop"]
# How the walker finds a label on the page: a link, a button, a heading, a form field, a group of
# options (it picks the first), or any text.
Role = Literal["link", "button", "heading", "field", "choice", "text"]


@dataclass(frozen=True)
class Label:
    """A UI label by its message id (and context), exactly as the templates translate it."""

    msgid: str
    context: str | None = None

    def text(self) -> str:
        translated = pgettext(self.context, self.msgid) if self.context else gettext(self.msgid)
        return translated % brand_names() if "%(" in translated else translated


@dataclass(frozen=True)
class Step:
    """One instruction. ``text`` holds ``%(label)s`` where the label goes."""

    text: Promise
    label: Label | None = None
    role: Role = "link"
    platform: Platform = "business"
    # For a ``field`` step, what the walker types: "identifier", "password", "code" (from the
    # outbox), "email", "name", "new_password" or "message". For a "button" step, "login": the
    # person fills in the login form before pressing it.
    value: str = ""

    def plain(self) -> str:
        return _text(self.text, label=self.label_text())

    def label_text(self) -> str:
        return self.label.text() if self.label else ""

    def html(self) -> SafeString:
        label = format_html('<strong class="ui-label">{}</strong>', self.label.text()) if self.label else ""
        return _html(self.text, label=label)


@dataclass(frozen=True)
class Section:
    anchor: str
    title: Promise
    paragraphs: tuple[Promise, ...] = ()
    steps: tuple[Step, ...] = ()
    bullets: tuple[Promise, ...] = ()
    note: Promise | None = None

    def title_text(self) -> str:
        return _text(self.title)

    def paragraphs_html(self) -> list[SafeString]:
        return [_html(paragraph) for paragraph in self.paragraphs]

    def bullets_html(self) -> list[SafeString]:
        return [_html(bullet) for bullet in self.bullets]

    def note_html(self) -> SafeString | None:
        return _html(self.note) if self.note is not None else None

    def words(self) -> str:
        parts: list[Any] = [self.title, *self.paragraphs, *self.bullets, self.note or ""]
        return " ".join([*(_text(part) for part in parts), *(step.plain() for step in self.steps)])


def _text(text: Any, **extra: str) -> str:
    """The translated text with the brand names (and ``extra``) filled in."""
    return str(text) % {**brand_names(), **extra}


def _html(text: Any, **extra: SafeString | str) -> SafeString:
    """The same, as HTML: the text is escaped first, then the (escaped or safe) values go in."""
    names = {key: conditional_escape(value) for key, value in {**brand_names(), **extra}.items()}
    return mark_safe(escape(str(text)) % names)  # noqa: S308 (every part is escaped)


@dataclass(frozen=True)
class Category:
    """A page of the help center that lists articles; ``parent`` names the category above it, so an
    article's breadcrumb reads from the top category down to its own."""

    slug: str
    title: Promise
    parent: str | None = None

    def title_text(self) -> str:
        return _text(self.title)


@dataclass(frozen=True)
class Article:
    slug: str
    title: Promise
    summary: Promise
    sections: tuple[Section, ...]
    related: tuple[str, ...] = ()
    platform: Platform = "business"
    category: str = ""  # the slug of its Category (the help center's articles all have one)

    def title_text(self) -> str:
        return _text(self.title)

    def summary_text(self) -> str:
        return _text(self.summary)

    def words(self) -> str:
        return " ".join([self.title_text(), self.summary_text(), *(section.words() for section in self.sections)])
