"""How to link a Loop account to an existing Loop for Business account (DESIGN §4.3)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.content.common import log_in_to_loop_if_asked, open_personal_information
from accountlink.helpcontent.parts import Article, Label, Section, Step

ARTICLE = Article(
    slug="link-existing-account",
    # As the seed's related articles name it: 既存のTikTok for BusinessアカウントとTikTokアカウントの連携方法
    title=_("How to link an existing %(business_brand)s account with a %(brand)s account"),
    summary=_(
        "Start in %(business_brand)s User settings, then allow access on %(brand)s. Once your accounts are "
        "linked, you can also log in to %(business_brand)s with Continue with %(brand)s."
    ),
    sections=(
        Section(
            anchor="before-you-start",
            title=_("Before you start"),
            paragraphs=(
                _(
                    "You need to be able to log in to both accounts: your %(business_brand)s account, and the "
                    "%(brand)s account you want to link to it."
                ),
            ),
            bullets=(
                _("Your %(brand)s account must be active. Suspended and deleted accounts can't be linked."),
                _("You must be 18 or older. %(brand)s checks the date of birth on your account."),
                _(
                    "Use a personal or business %(brand)s account. Organization accounts are not currently used "
                    "to log in to %(business_brand)s."
                ),
                _(
                    "Each account can have one link at a time: your %(business_brand)s account can be linked to "
                    "one %(brand)s account, and your %(brand)s account to one %(business_brand)s account. If "
                    "either one is already linked, unlink it first."
                ),
            ),
            note=_(
                "Don't have a %(business_brand)s account yet? Press Continue with %(brand)s on the sign-up page "
                "instead, and choose Create a new business account. The new account is already linked."
            ),
        ),
        # walk: logged out of both platforms; start: business login page. A business account with
        # email+password, not linked; an adult, active, personal Loop account, not linked, that has not
        # given Loop for Business access before (so Loop asks for login, then shows the consent screen).
        Section(
            anchor="link-in-user-settings",
            title=_("Link your account in User settings"),
            steps=(
                Step(
                    _(
                        "On the %(business_brand)s login page, enter your email or phone number and your "
                        "password, and press %(label)s."
                    ),
                    Label("Log in"),
                    role="button",
                    value="login",
                ),
                *open_personal_information(),
                Step(
                    _("In the %(brand)s account card, press %(label)s. %(brand)s opens."),
                    Label("Link %(brand)s account"),
                    role="button",
                ),
                *log_in_to_loop_if_asked(),
                Step(
                    _(
                        "%(brand)s asks whether %(business_brand)s may access your account, and lists what it "
                        "will be able to see: your name, profile photo and username. Check that the @username "
                        "shown is the account you want to link. If it isn't, press %(label)s and log in with the "
                        "right account."
                    ),
                    Label("Not you?"),
                    role="text",
                    platform="loop",
                ),
                Step(
                    _("Press %(label)s. You're taken back to %(business_brand)s."),
                    Label("Authorize"),
                    role="button",
                    platform="loop",
                ),
                Step(
                    _(
                        "Back on Personal information, a message confirms the link. The %(brand)s account card "
                        "now shows your %(brand)s name and @username, and the %(label)s button."
                    ),
                    Label("Unlink %(brand)s account", "button"),
                    role="text",
                ),
            ),
        ),
        Section(
            anchor="after-linking",
            title=_("After linking"),
            paragraphs=(
                _(
                    "In User settings, Personal information shows your %(brand)s name, @username and profile "
                    "photo, and the date you linked the accounts (Linked since)."
                ),
            ),
            bullets=(
                _(
                    "You can now log in to %(business_brand)s with Continue with %(brand)s, as well as with your "
                    "email or phone number and password."
                ),
                _(
                    "We let you know on both platforms: %(business_brand)s sends a notice to the email address "
                    "and phone number on your %(business_brand)s account, and %(brand)s tells you that "
                    "%(business_brand)s can now access your %(brand)s account."
                ),
                _(
                    "%(business_brand)s can see only your name, profile photo and username. It can't post, see "
                    "your password, or change anything on your %(brand)s account."
                ),
                _(
                    "In the %(brand)s app, %(business_brand)s is listed under Settings and privacy → Security "
                    "and login → Manage app permissions."
                ),
            ),
        ),
        Section(
            anchor="if-you-press-cancel",
            title=_("If you press Cancel"),
            paragraphs=(
                _(
                    "If you press Cancel instead of Authorize, nothing is linked and %(business_brand)s gets no "
                    "access to your %(brand)s account. You're taken back to Personal information, where a "
                    "message says that nothing was linked."
                ),
                _("The Link %(brand)s account button is still there, so you can try again whenever you like."),
            ),
        ),
    ),
    related=("sign-up-with-loop", "unlink-loop-account", "linking-errors", "loop-account-types"),
    category="loop-accounts-overview",
)
