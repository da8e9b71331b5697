"""Loop account types (personal, business, organization) and what each can do (DESIGN §3, R4, R5, R6)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.content.common import log_in_to_loop, open_loop_settings
from accountlink.helpcontent.parts import Article, Label, Section, Step

ARTICLE = Article(
    slug="loop-account-types",
    # As the seed's related articles name it: TikTokアカウントの種類
    title=_("%(brand)s account types"),
    summary=_(
        "Every %(brand)s account is a personal, business or organization account. Here's what each type is "
        "for, which accounts can be linked to %(business_brand)s, and how to switch type."
    ),
    sections=(
        Section(
            anchor="account-types",
            title=_("The three account types"),
            bullets=(
                _(
                    "Personal account: for everyone. New %(brand)s accounts start as personal accounts. You can "
                    "link a personal account to %(business_brand)s."
                ),
                _(
                    "Business account: for brands and creators who sell. You can link a business account to "
                    "%(business_brand)s too."
                ),
                _(
                    "Organization account: for companies and institutions. Organization accounts are not "
                    "currently used to log in to %(business_brand)s, so an account that is linked can't switch "
                    "to this type."
                ),
            ),
            note=_(
                "A %(brand)s business account is not a %(business_brand)s account. %(business_brand)s accounts "
                "are separate, with their own login; you connect the two by linking them."
            ),
        ),
        Section(
            anchor="which-accounts-can-be-linked",
            title=_("Which accounts can be linked"),
            paragraphs=(
                _(
                    "To link a %(brand)s account to %(business_brand)s, use a personal or business account. It "
                    "also has to meet these conditions:"
                ),
            ),
            bullets=(
                _(
                    "It is active. Suspended and deleted accounts can't be linked, and if a linked account is "
                    "suspended or deleted, its link ends."
                ),
                _(
                    "Its holder is 18 or older. You can have a %(brand)s account from the age of 13, but you "
                    "must be 18 to link it. If you correct your date of birth and it shows you're under 18, the "
                    "link ends."
                ),
                _(
                    "It isn't linked to another %(business_brand)s account. A %(brand)s account can have one "
                    "link at a time."
                ),
            ),
        ),
        # walk: logged out of Loop; start: Loop login page. An adult, active Loop account (any type); the
        # Save step keeps the type that is already selected.
        Section(
            anchor="check-or-change-type",
            title=_("Check or change your account type"),
            paragraphs=(_("Your account type is also shown on your profile, under your name."),),
            steps=(
                *log_in_to_loop(),
                *open_loop_settings(),
                Step(
                    _("Tap %(label)s. Your current type is shown next to Account type."),
                    Label("Account"),
                    platform="loop",
                ),
                Step(
                    _(
                        "To change it, go to %(label)s and choose Personal account, Business account or "
                        "Organization account."
                    ),
                    Label("Switch account type"),
                    role="heading",
                    platform="loop",
                ),
                Step(
                    _("Tap %(label)s. A message confirms your account type."),
                    Label("Save"),
                    role="button",
                    platform="loop",
                ),
            ),
        ),
        Section(
            anchor="account-type-linked",
            title=_("Why a linked account can't become an organization account"),
            paragraphs=(
                _(
                    "If your %(brand)s account is linked to %(business_brand)s and you choose Organization "
                    "account, %(brand)s keeps your current type and tells you that the account is linked to "
                    "%(business_brand)s, so it can't become an organization account. A linked account is one you "
                    "use to log in to %(business_brand)s, and organization accounts are not currently used for "
                    "that."
                ),
                _("You can still switch between a personal and a business account at any time."),
                _(
                    "To switch to an organization account, end the link first: unlink in %(business_brand)s "
                    "User settings, or remove %(business_brand)s's access in the %(brand)s app under Settings and "
                    "privacy → Security and login → Manage app permissions. %(brand)s counts every app listed "
                    "there, so remove the access of any other apps too. Then change your account type."
                ),
            ),
            note=_(
                "Before you unlink, make sure your %(business_brand)s account has an email address or phone "
                "number and a password, so you can still log in to it afterwards."
            ),
        ),
    ),
    related=("link-existing-account", "unlink-loop-account", "linking-errors"),
    category="loop-accounts-overview",
)
