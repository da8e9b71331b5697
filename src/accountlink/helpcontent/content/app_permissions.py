"""Loop's own help page about Manage app permissions (DESIGN §4.2), linked from that screen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.content.common import log_in_to_loop, open_loop_settings, remove_business_access
from accountlink.helpcontent.parts import Article, Section

ARTICLE = Article(
    slug="manage-app-permissions",
    platform="loop",
    title=_("Manage app permissions"),
    summary=_("See which apps can use your %(brand)s account, and remove an app's access when you no longer want it."),
    sections=(
        Section(
            anchor="what-app-permissions-are",
            title=_("What app permissions are"),
            paragraphs=(
                _(
                    "When an app asks to access your %(brand)s account and you tap Authorize, you give that app "
                    "permission to use your account. For example, %(business_brand)s gets this permission when "
                    "you link your %(brand)s account to it, or sign up for it with Continue with %(brand)s."
                ),
                _(
                    "An app sees only what you allowed, such as your name, profile photo and username. It can't "
                    "post, see your password, or change anything on your %(brand)s account."
                ),
            ),
        ),
        # walk: logged out of Loop; start: Loop login page. An adult, active Loop account linked to a
        # Loop for Business account that has an email and a password and is not managed.
        Section(
            anchor="remove-access",
            title=_("See your apps and remove access"),
            steps=(
                *log_in_to_loop(),
                *open_loop_settings(),
                *remove_business_access(),
            ),
        ),
        Section(
            anchor="after-removing-access",
            title=_("What happens when you remove access"),
            bullets=(
                _("The app loses access at once, and every sign-in it holds stops working."),
                _(
                    "%(business_brand)s is told straight away and unlinks your %(brand)s account. Continue with "
                    "%(brand)s no longer logs you in to that %(business_brand)s account."
                ),
                _(
                    "Nothing is deleted: your %(brand)s account stays as it is, and so does your "
                    "%(business_brand)s account with its ad accounts and settings."
                ),
                _(
                    "You can link again at any time, from User settings in %(business_brand)s. %(brand)s will ask "
                    "for your permission again."
                ),
            ),
            note=_(
                "Signed up for %(business_brand)s with Continue with %(brand)s? Add an email address or phone "
                "number and a password to that account first. Otherwise you won't be able to log in to it once "
                "its access is removed."
            ),
        ),
    ),
    related=("unlink-loop-account", "link-existing-account", "sign-up-with-loop"),
)
