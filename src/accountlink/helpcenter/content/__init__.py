"""Every help article, in the order the help center lists them."""

from __future__ import annotations

from .unlink import ARTICLE as UNLINK

ARTICLES = (UNLINK,)
