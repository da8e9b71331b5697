"""``manage.py reconcile`` (and ``accountlink reconcile``): end the links whose grant Loop no longer knows.

Prints one line per link it ended and a summary. If Loop cannot be reached it says so and exits
non-zero: an unreachable Loop is no evidence that a grant is gone, so nothing more is changed.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountlink.business.linking.actions.reconciliation import do_reconcile_links
from accountlink.kit.conf import platform_settings


def terminal_language() -> str:
    """The language of the terminal (as ``accountlink`` speaks it), if the site has it; else English."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            language = value.split(":")[0][:2].lower()
            return language if language in dict(settings.LANGUAGES) else "en"
    return "en"


class Command(BaseCommand):
    help = "Read Loop's log of ended grants, ask Loop about the grant behind every link, and end the links whose grant is gone."

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(terminal_language())
        brand = platform_settings.BRAND
        result = do_reconcile_links(every_link=True)
        if result.running_elsewhere:
            raise CommandError(_("A reconciliation is running already; try again when it has finished."), returncode=3)
        for account_id, username in result.ended:
            self.stdout.write(
                _("Ended the link of business account #%(account)s to @%(handle)s: its grant is gone on %(brand)s.")
                % {"account": account_id, "handle": username, "brand": brand}
            )
        ended = len(result.ended)
        if result.endings_read is not None:
            self.stdout.write(
                ngettext(
                    "Read %(count)s ended grant from %(brand)s's log.",
                    "Read %(count)s ended grants from %(brand)s's log.",
                    result.endings_read,
                )
                % {"count": result.endings_read, "brand": brand}
            )
        self.stdout.write(
            ngettext(
                "Checked %(checked)s link; ended %(ended)s.",
                "Checked %(checked)s links; ended %(ended)s.",
                result.checked,
            )
            % {"checked": result.checked, "ended": ended}
        )
        if result.unreachable:
            raise CommandError(
                _("Could not reach %(brand)s, so the remaining links were not checked. Try again later.")
                % {"brand": brand},
                returncode=2,
            )
