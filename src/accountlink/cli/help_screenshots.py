"""``accountlink help-screenshots``: walk every help article on a fresh system and save each step's
screenshot, per language (``accountlink.devtools.screenshots``)."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from accountlink.devtools.terminal import CliError, _


def add_parser(commands: Any) -> None:
    screenshots = commands.add_parser(
        "help-screenshots",
        help=_("walk every help article on a fresh system and save each step's screenshot, per language"),
    )
    screenshots.add_argument(
        "--language", action="append", help=_("only this language (repeat for more; default: all)")
    )
    screenshots.add_argument("--out", help=_("where to save them (default: the help center's static files)"))
    screenshots.add_argument("--chromium", default="/usr/bin/chromium", help=_("the browser to drive"))
    screenshots.set_defaults(handler=command_help_screenshots)


def command_help_screenshots(args: argparse.Namespace) -> int:
    # Imported here, not above: every process of the system (`accountlink manage …`) starts through
    # this package, and none of them needs the walker or the help articles.
    from accountlink.devtools.screenshots import check_fonts, take_screenshots
    from accountlink.devtools.walker import LANGUAGES
    from accountlink.helpcontent.articles import SCREENSHOTS_DIR

    if importlib.util.find_spec("playwright") is None:
        raise CliError(_("help-screenshots needs Playwright (pip install playwright)"))
    languages = args.language or list(LANGUAGES)
    for language in languages:
        if language not in LANGUAGES:
            raise CliError(_("unknown language %(language)s") % {"language": language})
    if not Path(args.chromium).exists():
        raise CliError(_("no browser at %(path)s; install chromium or pass --chromium") % {"path": args.chromium})
    check_fonts(languages)
    out = Path(args.out).resolve() if args.out else SCREENSHOTS_DIR
    count = take_screenshots(languages, out, args.chromium)
    print(_("%(count)s screenshots in %(dir)s") % {"count": count, "dir": out})
    return 0
