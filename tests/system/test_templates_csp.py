"""Pages need no 'unsafe-inline' (DESIGN §8): no template has inline script, event handlers or
inline style. Email templates are not pages (mail clients need inline style) and are left out."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "accountlink" / "templates"
INLINE = {
    "a style attribute": re.compile(r"""\sstyle\s*=""", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "a <script> without src": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "an event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "a javascript: address": re.compile(r"javascript:", re.IGNORECASE),
}


def page_templates() -> list[Path]:
    return [path for path in TEMPLATES.rglob("*.html") if "notify" not in path.relative_to(TEMPLATES).parts]


def test_no_page_template_has_inline_script_or_style() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in page_templates()
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert len(page_templates()) > 50
    assert found == []
