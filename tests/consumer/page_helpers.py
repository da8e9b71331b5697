"""Reading Loop's HTML pages as the tests need them."""

from __future__ import annotations

import re
from typing import Any


def error_code(response: Any) -> str | None:
    """The stable code of the refusal a page shows (``data-error-code``), or None when it shows none."""
    found = re.search(rb'data-error-code="([^"]+)"', response.content)
    return found.group(1).decode() if found else None
