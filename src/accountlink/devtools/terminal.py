"""What every part of the ``accountlink`` command shares: the terminal's language, the brand, and
the one-line error."""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# The command runs outside Django, so it reads the brand from the environment as the settings do.
BRAND = os.environ.get("ACCOUNTLINK_BRAND", "Loop")

# The command speaks the language of the terminal (LANGUAGE, LC_ALL, LC_MESSAGES or LANG), with the
# same catalogs as the web pages.
_ = gettext.translation("django", localedir=LOCALE_DIR, fallback=True).gettext


class CliError(Exception):
    """A problem to report in one line, without a traceback."""


def business_brand() -> str:
    return _("%(brand)s for Business") % {"brand": BRAND}
