"""Every help article, in the order the help center lists them, and the categories they are filed in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.parts import Category

from .account_types import ARTICLE as ACCOUNT_TYPES
from .app_permissions import ARTICLE as APP_PERMISSIONS
from .cant_log_in import ARTICLE as CANT_LOG_IN
from .link_existing import ARTICLE as LINK_EXISTING
from .linking_errors import ARTICLE as LINKING_ERRORS
from .sign_up_with_loop import ARTICLE as SIGN_UP_WITH_LOOP
from .unlink import ARTICLE as UNLINK

# The seed article's breadcrumb: はじめに / TikTokアカウント / TikTokアカウントの概要.
CATEGORIES = (
    Category("getting-started", _("Getting started")),
    Category("loop-accounts", _("%(brand)s accounts"), parent="getting-started"),
    Category("loop-accounts-overview", _("%(brand)s accounts overview"), parent="loop-accounts"),
    Category("loop-accounts-troubleshooting", _("Troubleshooting"), parent="loop-accounts"),
)

ARTICLES = (
    UNLINK,
    LINK_EXISTING,
    SIGN_UP_WITH_LOOP,
    ACCOUNT_TYPES,
    LINKING_ERRORS,
    CANT_LOG_IN,
    APP_PERMISSIONS,  # Loop's own help page, shown on Loop
)
