"""I can't log in: wrong details, a suspended Loop account, forgotten passwords, an account with no
email or phone, Contact support and recovery links (DESIGN §4.6).

``login.*`` and ``recovery.*`` messages link to sections here (``helpcontent.topics``): keep the anchors.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.content.common import send_and_type_code, type_new_password
from accountlink.helpcontent.parts import Article, Label, Section, Step

ARTICLE = Article(
    slug="cant-log-in",
    title=_("I can't log in"),
    summary=_(
        "What to do when you can't log in to %(business_brand)s or %(brand)s: your details aren't accepted, "
        "your %(brand)s account is suspended, you forgot your password, or your account has no email or phone "
        "you can use."
    ),
    sections=(
        Section(
            anchor="login-invalid-credentials",
            title=_("Your login details weren't accepted"),
            paragraphs=(
                _(
                    "For your security, we show the same message whether the password is wrong or there's no "
                    "account with those details. We never say whether an email address, phone number or username "
                    "has an account. Check these first:"
                ),
            ),
            bullets=(
                _(
                    "On %(business_brand)s, log in with your account's email address or phone number. Your "
                    "%(brand)s username doesn't work there."
                ),
                _("%(brand)s and %(business_brand)s have separate passwords. Use the one for the site you're on."),
                _("Type phone numbers with the country code, for example +81 90 1234 5678."),
                _("Passwords are case-sensitive, so check that Caps Lock is off."),
                _(
                    "Made your %(business_brand)s account with Continue with %(brand)s? It may have no password. "
                    "Press Continue with %(brand)s instead."
                ),
            ),
            note=_("Still can't log in? Reset your password with Forgot password?, as described below."),
        ),
        Section(
            anchor="too-many-attempts",
            title=_("You're asked to wait before trying again"),
            paragraphs=(
                _(
                    "To stop people from guessing passwords and codes, we slow down attempts after several wrong "
                    "ones in a row: each wrong attempt makes the next one wait a little longer, and after about "
                    "ten, attempts pause for 15 minutes. The page tells you how long to wait."
                ),
                _(
                    "If you logged in on this browser before, someone else's wrong guesses don't slow you down "
                    "here. A browser you have never logged in with, or one whose cookies were cleared, waits like "
                    "any other."
                ),
            ),
            note=_(
                "Didn't make those attempts yourself? Someone may be trying to guess your password. Once you're "
                "in, change your password and check your sessions."
            ),
        ),
        Section(
            anchor="login-suspended",
            title=_("Your %(brand)s account is suspended"),
            paragraphs=(
                _(
                    "When you log in to a suspended %(brand)s account, the login page tells you it's suspended and, "
                    "when there is one, shows the reason. You can't log in, and resetting your password doesn't "
                    "help, until the account is restored."
                ),
                _(
                    "If you think it's a mistake, press Contact support under the message to appeal. Tell us what "
                    "happened and where we can reach you, and press Send appeal. You only need to send it once."
                ),
                _(
                    "A member of our support team reviews your appeal and writes to you with the decision: either "
                    "your account is restored and you can log in again, or it stays suspended, and we tell you why."
                ),
            ),
            note=_(
                "A suspension also ends the link between your %(brand)s account and %(business_brand)s. Your "
                "%(business_brand)s account and its ad accounts are kept, and you can link again once your "
                "%(brand)s account is restored."
            ),
        ),
        # walk: logged out; start: Loop for Business login page. An active business account with an email
        # address and a password (demo: aiko.biz@example.com); the code is read from the outbox.
        Section(
            anchor="forgot-business-password",
            title=_("Reset your %(business_brand)s password"),
            paragraphs=(
                _(
                    "We send a code to the email address or phone number on your account, so you need to be able "
                    "to read messages there."
                ),
            ),
            steps=(
                Step(_("On the %(business_brand)s login page, press %(label)s."), Label("Forgot password?")),
                Step(
                    _("Type your account's email address or phone number in %(label)s."),
                    Label("Email or phone number"),
                    role="field",
                    value="identifier",
                ),
                *send_and_type_code(),
                type_new_password(),
                Step(_("Press %(label)s."), Label("Reset password"), role="button"),
                Step(
                    _("You're back on the login page, %(label)s. Log in with your new password."),
                    Label("Log in to %(business_brand)s"),
                    role="heading",
                ),
            ),
            note=_(
                "For your privacy, the code page looks the same whether or not the details match an account. If no "
                "code arrives, check the address you typed and your spam folder, then press Didn't get a code? "
                "Start again. We send a new code at most once a minute, and at most 5 an hour to one address."
            ),
        ),
        # walk: logged out; start: Loop login page. An active Loop account with an email address (demo:
        # @aiko); the code is read from the outbox.
        Section(
            anchor="forgot-loop-password",
            title=_("Reset your %(brand)s password"),
            paragraphs=(
                _(
                    "We send a code to the email address or phone number on your %(brand)s account. If you type your "
                    "username, the code goes to your email address, or to your phone if you have no email."
                ),
            ),
            steps=(
                Step(_("On the %(brand)s login page, tap %(label)s."), Label("Forgot password?"), platform="loop"),
                Step(
                    _("Type your username, email address or phone number in %(label)s."),
                    Label("Username, email or phone"),
                    role="field",
                    platform="loop",
                    value="identifier",
                ),
                *send_and_type_code("loop"),
                type_new_password("loop"),
                Step(_("Tap %(label)s."), Label("Reset password"), role="button", platform="loop"),
                Step(
                    _("You're back on the login page, %(label)s. Log in with your new password."),
                    Label("Log in to %(brand)s"),
                    role="heading",
                    platform="loop",
                ),
            ),
            note=_(
                "No code is sent to a suspended account: see Your %(brand)s account is suspended above. If you can't "
                "use the email or phone on your account, tap No email or phone you can use? Contact support on the "
                "same page."
            ),
        ),
        Section(
            anchor="no-email-or-phone",
            title=_("Your %(business_brand)s account has no email or phone you can use"),
            paragraphs=(
                _(
                    "Without an email address or phone number you can use, Forgot password? can't send you a code. "
                    "This often happens with accounts made with Continue with %(brand)s."
                ),
                _(
                    "First, press Continue with %(brand)s on the login page. If your %(brand)s account is still "
                    "linked, you're logged in. Then add an email address or phone number and set a password in User "
                    "settings → Personal information, so you can always get back in. If %(business_brand)s asks "
                    "whether to create a new business account instead, your %(brand)s account is no longer linked: "
                    "when your old account has no other way to log in, press Link again there to get back to it."
                ),
                _(
                    "If that doesn't work, use Contact support on the login page, as described below. Before we "
                    "change anything, our support team checks that the account is yours, and may ask you for more "
                    "information."
                ),
                _(
                    "One proof we accept: right after you send your request, press Verify with %(brand)s and log in "
                    "to the %(brand)s account that is linked to your %(business_brand)s account. A %(brand)s account "
                    "that isn't linked to it proves nothing, and we review your request in the usual way."
                ),
                _(
                    "Once we've confirmed the account is yours, we send a link to the address you gave us. It works "
                    "once, for 24 hours. Open it, add an email address or phone number, and confirm it with the code "
                    "we send there. Then reset your password with Forgot password?, as described above."
                ),
            ),
            note=_(
                "If we can't confirm that the account is yours, we tell you why and change nothing. You can "
                "contact support again with more information."
            ),
        ),
        # walk: logged out; start: Loop for Business login page. Any business account (demo:
        # hana.biz@example.com) named by its email; the reply address is the robot's email.
        Section(
            anchor="contact-support",
            title=_("Contact %(business_brand)s support"),
            paragraphs=(
                _(
                    "Use this if you can't log in and can't reset your password. You don't need to be logged in. "
                    "Every field on the form is required."
                ),
            ),
            steps=(
                Step(_("On the %(business_brand)s login page, press %(label)s."), Label("Contact support")),
                Step(_("Type your name in %(label)s."), Label("Your name"), role="field", value="name"),
                Step(
                    _("In %(label)s, say which account you mean."),
                    Label("The account's email or phone number, or the @username of its linked %(brand)s account"),
                    role="field",
                    value="identifier",
                ),
                Step(
                    _("In %(label)s, type an email address or phone number you can use now. We'll answer you there."),
                    Label("Where can we reach you?"),
                    role="field",
                    value="email",
                ),
                Step(
                    _(
                        "In %(label)s, tell us what you can about the account: when you created it, what it's used "
                        "for, and anything that shows it's yours."
                    ),
                    Label("What happened?"),
                    role="field",
                    value="message",
                ),
                Step(_("Press %(label)s."), Label("Send request"), role="button"),
                Step(
                    _("You see %(label)s and your request's reference number. We send it to you too."),
                    Label("Request received"),
                    role="heading",
                ),
            ),
            note=_(
                "On %(brand)s, Contact support is on the login page, on the Forgot password? page, and under the "
                "message you see when your account is suspended."
            ),
        ),
        Section(
            anchor="recovery-link-problems",
            title=_("The link from our support team doesn't work"),
            paragraphs=(
                _(
                    "After we confirm that an account is yours, we send you a link to add an email address or phone "
                    "number to it. Opening the link doesn't use it up: it's used once the new address is confirmed "
                    "with its code."
                ),
            ),
            bullets=(
                _(
                    "This link isn't valid: the address is incomplete or was changed. Copy the whole link from our "
                    "message into your browser, and make sure nothing was cut off."
                ),
                _(
                    "This link has expired: links work for 24 hours after we send them. Use Contact support to send "
                    "a new request, and mention the reference number of your earlier one."
                ),
                _(
                    "This link has already been used: each link works once. If you added an email or phone with it, "
                    "reset your password with Forgot password?. If you didn't, contact support right away."
                ),
            ),
        ),
    ),
    related=("linking-errors", "unlink-loop-account", "sign-up-with-loop"),
    category="loop-accounts-troubleshooting",
)
