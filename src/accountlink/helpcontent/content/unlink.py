"""How to unlink a Loop account from an existing Loop for Business account (the seed article, re-told)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.content.common import (
    log_in_to_loop,
    open_loop_settings,
    open_personal_information,
    remove_business_access,
    send_and_type_code,
)
from accountlink.helpcontent.parts import Article, Label, Section, Step

ARTICLE = Article(
    slug="unlink-loop-account",
    # The seed's title: TikTokアカウントと既存のTikTok for Businessアカウントの連携を解除する方法
    title=_("How to unlink a %(brand)s account from an existing %(business_brand)s account"),
    summary=_(
        "End the link from %(business_brand)s's User settings with a verification code, or from the "
        "%(brand)s app by removing %(business_brand)s's access. Either way, both sides are updated at once."
    ),
    sections=(
        Section(
            anchor="before-you-start",
            title=_("Before you start"),
            paragraphs=(
                _(
                    "To unlink from %(business_brand)s you need to be able to log in to it, and a "
                    "verification code goes to an email address or phone number on your account. To unlink "
                    "from %(brand)s you need to be able to log in to your %(brand)s account."
                ),
            ),
            bullets=(
                _(
                    "Forgot your %(business_brand)s password? Use Forgot password? on the login page to get a "
                    "code and set a new one."
                ),
                _(
                    "Can't log in to %(brand)s because your account is suspended, or because you couldn't "
                    "reset your password? Use Contact support on the %(brand)s login page to ask for your "
                    "account back."
                ),
                _(
                    "Can't log in to %(business_brand)s at all, for example because the account has no email "
                    "or phone? Use Contact support on its login page. Once we've confirmed the account is "
                    "yours, you can add an email or phone, and then reset your password."
                ),
            ),
            note=_("Managed accounts can't be unlinked by their holder. Contact your account manager instead."),
        ),
        Section(
            anchor="unlink-in-user-settings",
            title=_("Unlink in %(business_brand)s User settings"),
            steps=(
                Step(
                    _("Log in to %(business_brand)s with your email or phone, or with Continue with %(brand)s."),
                    Label("Log in"),
                    role="button",
                    value="login",
                ),
                *open_personal_information(),
                Step(
                    _("In your %(brand)s account's card, press %(label)s."),
                    Label("Unlink %(brand)s account", "button"),
                    role="button",
                ),
                Step(
                    _("The %(label)s window opens and asks you to confirm it's you."),
                    Label("Unlink %(brand)s account", "dialog title"),
                    role="heading",
                ),
                Step(
                    _("Under %(label)s, choose the email address or phone number the code should go to."),
                    Label("Send the code to"),
                    role="choice",
                ),
                *send_and_type_code(),
                Step(
                    _("Press %(label)s. The link ends, and we tell you about it on both platforms."),
                    Label("Confirm"),
                    role="button",
                ),
            ),
        ),
        Section(
            anchor="remove-access-in-loop",
            title=_("Remove access in the %(brand)s app"),
            steps=(
                *log_in_to_loop(),
                *open_loop_settings(),
                *remove_business_access(),
            ),
        ),
        Section(
            anchor="after-unlinking",
            title=_("After unlinking"),
            paragraphs=(
                _(
                    "Your %(brand)s account can be linked again straight away, to this or another "
                    "%(business_brand)s account. Your ad accounts and settings stay where they are: unlinking "
                    "deletes nothing."
                ),
            ),
        ),
    ),
    # The seed's three related articles, in its order.
    related=("link-existing-account", "sign-up-with-loop", "loop-account-types"),
    category="loop-accounts-overview",
)
