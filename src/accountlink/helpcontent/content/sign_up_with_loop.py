"""How to sign up for Loop for Business with a Loop account: Continue with Loop (DESIGN §4.4)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.content.common import log_in_to_loop_if_asked, send_and_type_code, type_new_password
from accountlink.helpcontent.parts import Article, Label, Section, Step

ARTICLE = Article(
    slug="sign-up-with-loop",
    # As the seed's related articles name it: 新しいTikTok for BusinessアカウントをTikTokアカウントと連携させる方法
    title=_("How to link a new %(business_brand)s account with a %(brand)s account"),
    summary=_(
        "Press Continue with %(brand)s, allow access on %(brand)s, then choose Create a new business account. "
        "You get a new %(business_brand)s account that is already linked to your %(brand)s account. Then add an "
        "email or phone number and a password, so you always have a way back in."
    ),
    sections=(
        Section(
            anchor="before-you-start",
            title=_("Before you start"),
            paragraphs=(
                _(
                    "You need a %(brand)s account that you can log in to. It must be active (not suspended or "
                    "deleted), and you must be 18 or older."
                ),
            ),
            bullets=(
                _(
                    "Already have a %(business_brand)s account? After you allow access, choose Log in to link "
                    "an existing account instead, and log in with its email or phone number and password: your "
                    "%(brand)s account is linked to it, and your ad accounts stay in one place."
                ),
                _(
                    "If your %(brand)s account is already linked to a %(business_brand)s account, Continue with "
                    "%(brand)s logs you in to that account instead of creating a new one."
                ),
            ),
        ),
        # walk: logged out of both platforms; start: business sign-up page. An adult, active, personal Loop
        # account that is not linked and has not given Loop for Business access before (so Loop asks for
        # login, then shows the consent screen).
        Section(
            anchor="sign-up",
            title=_("Sign up with Continue with %(brand)s"),
            steps=(
                Step(
                    _(
                        "On the %(business_brand)s sign-up page, press %(label)s. You'll find the same button on "
                        "the login page."
                    ),
                    Label("Continue with %(brand)s"),
                    role="button",
                ),
                *log_in_to_loop_if_asked(),
                Step(
                    _(
                        "%(brand)s asks whether %(business_brand)s may access your account, and lists what it "
                        "will be able to see: your name, profile photo and username. Check that the @username "
                        "shown is yours. If it isn't, press %(label)s and log in with the right account."
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
                        "%(business_brand)s asks whether to create a new business account or to log in to link "
                        "one you already have. Press %(label)s. %(business_brand)s creates your new account, links "
                        "it to your %(brand)s account and logs you in."
                    ),
                    Label("Create a new business account"),
                    role="button",
                ),
                Step(
                    _(
                        "You arrive on %(label)s in User settings. A message at the top confirms the link and "
                        "asks you to add an email address or phone number."
                    ),
                    Label("Personal information"),
                    role="heading",
                ),
            ),
        ),
        Section(
            anchor="why-add-email-or-phone",
            title=_("Why add an email or phone number and a password"),
            paragraphs=(
                _(
                    "Your new account has no email address, phone number or password yet, so Continue with "
                    "%(brand)s is the only way to log in to it. Adding them is up to you: you can start using "
                    "%(business_brand)s straight away. Until you add them, Personal information shows Not added "
                    "and Not set."
                ),
                _("With an email address or phone number and a password:"),
            ),
            bullets=(
                _(
                    "You can log in to %(business_brand)s without %(brand)s, for example if you ever can't get "
                    "into your %(brand)s account."
                ),
                _(
                    "You can get back in if you forget your password: Forgot password? on the login page sends "
                    "a code to your email or phone."
                ),
                _(
                    "You can unlink your %(brand)s account later. Unlinking in User settings needs a verification "
                    "code sent to your email or phone, and a password so that you can still log in afterwards. "
                    "Without them, %(business_brand)s asks you to add them first."
                ),
            ),
            note=_(
                "Removing %(business_brand)s's access in the %(brand)s app also ends the link, and %(brand)s "
                "doesn't check whether you have another way to log in. If your account has no email, phone number "
                "or password by then, you won't be able to log in to it, and you'll need to contact support."
            ),
        ),
        # walk: logged in to a business account created with Continue with Loop a moment ago (under 10
        # minutes), with no email, phone or password; start: User settings > Personal information. The
        # person's email is not used by another business account.
        Section(
            anchor="add-email-and-password",
            title=_("Add an email address and a password"),
            paragraphs=(
                _(
                    "Because your account has no password yet, do this within 10 minutes of logging in. If it "
                    "has been longer, log out and log in again with Continue with %(brand)s first."
                ),
            ),
            steps=(
                Step(
                    _(
                        "On Personal information, next to Email, press %(label)s. To add a phone number instead, "
                        "press Add phone number."
                    ),
                    Label("Add email"),
                ),
                Step(
                    _("Enter your email address in %(label)s."),
                    Label("New email address"),
                    role="field",
                    value="email",
                ),
                *send_and_type_code(),
                Step(
                    _("Press %(label)s. Your email address now appears on Personal information."),
                    Label("Confirm"),
                    role="button",
                ),
                Step(_("Next to Password, press %(label)s."), Label("Set a password")),
                type_new_password(),
                Step(
                    _(
                        "Press %(label)s. From now on you can log in with your email address and password, or "
                        "with Continue with %(brand)s."
                    ),
                    Label("Save"),
                    role="button",
                ),
            ),
        ),
        # walk: logged out of both platforms; start: business login page. An adult, active Loop account that
        # is linked to a business account (e.g. demo @sakura).
        Section(
            anchor="already-linked",
            title=_("If your %(brand)s account is already linked"),
            paragraphs=(
                _(
                    "Continue with %(brand)s never creates a second account for the same %(brand)s account. If "
                    "yours is already linked, you're logged in to the linked %(business_brand)s account. "
                    "%(brand)s may not ask for your permission again if you've already given it."
                ),
            ),
            steps=(
                Step(
                    _("On the %(business_brand)s login page, press %(label)s."),
                    Label("Continue with %(brand)s"),
                    role="button",
                ),
                *log_in_to_loop_if_asked(),
                Step(
                    _("You're logged in to your linked account and see its %(label)s in Ads Manager."),
                    Label("Ad accounts"),
                    role="heading",
                ),
            ),
        ),
    ),
    related=("link-existing-account", "unlink-loop-account", "cant-log-in", "linking-errors"),
    category="loop-accounts-overview",
)
