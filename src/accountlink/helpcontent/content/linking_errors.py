"""Troubleshooting linking and unlinking errors: one section per error code (DESIGN §6).

Every ``link.*``, ``unlink.*`` and ``code.*`` message links to its section here, so each anchor is the
code with "." and "_" turned into "-" (``helpcontent.topics``). Don't rename them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.content.common import open_personal_information, send_and_type_code, type_new_password
from accountlink.helpcontent.parts import Article, Label, Section, Step

ARTICLE = Article(
    slug="linking-errors",
    title=_("Troubleshooting linking and unlinking errors"),
    summary=_("What each message about linking, unlinking or verification codes means, and what you can do about it."),
    sections=(
        # Linking
        Section(
            anchor="link-already-linked",
            title=_("This %(brand)s account is already linked to another %(business_brand)s account"),
            paragraphs=(
                _(
                    "A %(brand)s account can be linked to only one %(business_brand)s account at a time, and the "
                    "%(brand)s account you chose already is. Nothing was changed. To protect everyone's privacy, "
                    "we can't tell you which account it's linked to."
                ),
                _(
                    "This often happens if you once used Continue with %(brand)s and chose Create a new business "
                    "account: that made a separate %(business_brand)s account linked to your %(brand)s account."
                ),
            ),
            bullets=(
                _(
                    "To use that other account, log out and press Continue with %(brand)s on the login page. It "
                    "logs you in to the %(business_brand)s account your %(brand)s account is linked to."
                ),
                _(
                    "To link your %(brand)s account here instead, end the other link first: unlink it in the other "
                    "account's User settings, or remove %(business_brand)s's access in the %(brand)s app. Then press "
                    "Link %(brand)s account again. There's no waiting time."
                ),
                _(
                    "Meant to use a different %(brand)s account? On the %(brand)s screen that asks for your "
                    "permission, press Not you? and log in with the other one."
                ),
            ),
            note=_(
                "If the other account has no email, phone number or password, add them there before you unlink, "
                "or you won't be able to log in to it afterwards. The steps are in How to unlink a %(brand)s "
                "account from an existing %(business_brand)s account."
            ),
        ),
        Section(
            anchor="link-business-has-link",
            title=_("This %(business_brand)s account already has a linked %(brand)s account"),
            paragraphs=(
                _(
                    "Each %(business_brand)s account can be linked to one %(brand)s account, and this one already "
                    "is, so nothing was changed. You can see which %(brand)s account it is in User settings → "
                    "Personal information. If you just linked it in another window, there's nothing more to do."
                ),
                _(
                    "To link a different %(brand)s account, first press Unlink %(brand)s account there and confirm "
                    "with the code we send you, then press Link %(brand)s account. The steps are in How to unlink "
                    "a %(brand)s account from an existing %(business_brand)s account."
                ),
            ),
        ),
        Section(
            anchor="link-age-requirement",
            title=_("You must be 18 or older to link a %(brand)s account"),
            paragraphs=(
                _(
                    "Only %(brand)s accounts of people aged 18 or older can be linked to %(business_brand)s or used "
                    "to log in to it. %(brand)s goes by the date of birth on the account. Nothing was linked."
                ),
                _(
                    "If the date of birth on your %(brand)s account is wrong, you can correct it in the %(brand)s "
                    "app under Settings and privacy → Account. You can still use %(business_brand)s without a "
                    "%(brand)s account, with an email address or phone number and a password."
                ),
            ),
            note=_(
                "If a linked %(brand)s account's date of birth is changed to show its holder is under 18, the link "
                "ends automatically."
            ),
        ),
        Section(
            anchor="link-account-unavailable",
            title=_("This %(brand)s account is suspended or deleted"),
            paragraphs=(
                _(
                    "Suspended and deleted %(brand)s accounts can't be linked or used to log in to "
                    "%(business_brand)s. If the account was linked, the link ended when it was suspended or "
                    "deleted. Your %(business_brand)s account and its ad accounts are still there."
                ),
            ),
            bullets=(
                _(
                    "Suspended: when you log in to %(brand)s, you'll see why, and you can appeal with Contact "
                    "support. Once the account is restored, you can link it again. See I can't log in."
                ),
                _("Deleted: a deleted %(brand)s account can't be linked. You can link another %(brand)s account."),
                _(
                    "If you used this %(brand)s account to log in to %(business_brand)s and your account there has "
                    "no email or phone number, I can't log in explains how to get back in."
                ),
            ),
        ),
        Section(
            anchor="link-consent-denied",
            title=_("You cancelled on %(brand)s, so nothing was linked"),
            paragraphs=(
                _(
                    "%(brand)s asked whether to let %(business_brand)s access your account, and Cancel was pressed. "
                    "Nothing was shared and nothing changed on either account."
                ),
                _(
                    "To try again, press Link %(brand)s account in User settings → Personal information, or Continue "
                    "with %(brand)s on the login page, and this time press Authorize. %(business_brand)s can only see "
                    "what that screen lists: it can't post, see your password, or change anything on your %(brand)s "
                    "account."
                ),
            ),
            note=_(
                "More about linking is in How to link an existing %(business_brand)s account with a %(brand)s account."
            ),
        ),
        Section(
            anchor="link-session-expired",
            title=_("The linking attempt expired or was started in another browser"),
            paragraphs=(
                _(
                    "To keep your account safe, a linking attempt can only be finished once, in the browser where "
                    "it started, and within 30 minutes. This one couldn't, so nothing was linked. Common reasons:"
                ),
            ),
            bullets=(
                _("More than 30 minutes passed on the %(brand)s screen."),
                _("You finished on the %(brand)s screen in a different browser or app from the one where you started."),
                _("You started linking again in another tab. Only the newest attempt counts."),
                _("You went back to or reloaded a page after the attempt had finished."),
            ),
            note=_("Start again in one browser tab, and finish on %(brand)s without leaving it."),
        ),
        Section(
            anchor="link-provider-unavailable",
            title=_("We couldn't reach %(brand)s"),
            paragraphs=(
                _(
                    "%(business_brand)s couldn't connect to %(brand)s just now, so linking or logging in with "
                    "%(brand)s didn't finish and nothing was linked. This is usually temporary."
                ),
                _(
                    "Wait a few minutes, then try again. In the meantime, if your account has a password, you can "
                    "log in with your email address or phone number and that password."
                ),
            ),
        ),
        # Unlinking
        Section(
            anchor="unlink-managed-account",
            title=_("This account is managed by an account manager"),
            paragraphs=(
                _(
                    "Some %(business_brand)s accounts are managed by an account manager. Only the manager can unlink "
                    "the %(brand)s account of a managed account, so instead of sending a code, we show you your "
                    "manager's name and email address."
                ),
                _(
                    "Ask your account manager to unlink it for you. When they do, we let you know on both "
                    "platforms, and the change appears in Security activity in User settings."
                ),
            ),
        ),
        # walk: logged in to Loop for Business within the last 10 minutes with Continue with Loop; start: Ads
        # Manager. A business account linked to an adult active Loop account, with no email, no phone and no
        # password (demo: the account of @kenji); an email address not used by any account.
        Section(
            anchor="unlink-no-contact",
            title=_("Add an email or phone number before you unlink"),
            paragraphs=(
                _(
                    "To unlink, we send a verification code to an email address or phone number on your "
                    "%(business_brand)s account, and this account has neither. That's usual for accounts made with "
                    "Continue with %(brand)s. Add one first: the window that showed the message has links for it."
                ),
                _(
                    "If your account has no password, you need to have logged in within the last 10 minutes to add "
                    "an address. If you're asked to log in again, log out, log back in with Continue with "
                    "%(brand)s, and try again."
                ),
            ),
            steps=(
                *open_personal_information(),
                Step(_("Next to Email, press %(label)s."), Label("Add email")),
                Step(
                    _("Type your email address in %(label)s."), Label("New email address"), role="field", value="email"
                ),
                *send_and_type_code(),
                Step(
                    _("Press %(label)s. Your email address now appears on the page."), Label("Confirm"), role="button"
                ),
            ),
            note=_(
                "Then try Unlink %(brand)s account again. If your account has no password yet, you'll be asked to "
                "set one first: see the next section."
            ),
        ),
        # walk: logged in to Loop for Business; start: Ads Manager. A business account linked to an adult
        # active Loop account, with an email or phone but no password (demo: the account of @kenji after the
        # unlink-no-contact walk).
        Section(
            anchor="unlink-last-login-method",
            title=_("Set a password before you unlink"),
            paragraphs=(
                _(
                    "Your %(business_brand)s account has no password, so your %(brand)s account is the only way to "
                    "log in to it, and unlinking would lock you out. Set a password first. After unlinking, you log "
                    "in with your email address or phone number and that password."
                ),
            ),
            steps=(
                *open_personal_information(),
                Step(_("Next to Password, press %(label)s."), Label("Set a password")),
                type_new_password(),
                Step(_("Press %(label)s."), Label("Save"), role="button"),
            ),
            note=_("Then press Unlink %(brand)s account again."),
        ),
        Section(
            anchor="unlink-not-linked",
            title=_("This account isn't linked to a %(brand)s account"),
            paragraphs=(
                _(
                    "There's nothing to unlink: the link has already ended. It may have been ended in the %(brand)s "
                    "app, in another window, or by your account manager, or automatically because the %(brand)s "
                    "account was suspended or deleted or its date of birth changed."
                ),
                _(
                    "Reload User settings → Personal information to see how things are now. Security activity in "
                    "User settings shows when the link ended."
                ),
            ),
        ),
        Section(
            anchor="unlink-unknown-contact",
            title=_("The code can only go to an email or phone number on this account"),
            paragraphs=(
                _(
                    "For your security, the code for unlinking goes only to an email address or phone number that's "
                    "already on your %(business_brand)s account. The one you chose isn't, for example because it "
                    "was changed in another window."
                ),
                _(
                    "Close the window, press Unlink %(brand)s account again, and choose one of the addresses listed. "
                    "To use a new address, add it in User settings → Personal information first."
                ),
            ),
        ),
        # Verification codes
        Section(
            anchor="code-invalid",
            title=_("The code you entered isn't right"),
            paragraphs=(
                _(
                    "Codes have 6 digits, and each one works only for the address it was sent to and for what you "
                    "asked it for, such as unlinking or resetting your password."
                ),
            ),
            bullets=(
                _("Use the code from the newest message. When you ask for a new code, the earlier ones stop working."),
                _("Each code works once. If you've already used it, request a new one."),
                _("Each wrong try counts. After 5 wrong tries, the code stops working and you need a new one."),
            ),
        ),
        Section(
            anchor="code-expired",
            title=_("The code has expired"),
            paragraphs=(
                _(
                    "Codes work for 10 minutes after we send them. Request a new one: press Send a new code if the "
                    "page shows it, or start again. On the password reset page, that's Didn't get a code? Start "
                    "again."
                ),
            ),
        ),
        Section(
            anchor="code-too-many-attempts",
            title=_("Too many wrong codes were entered"),
            paragraphs=(
                _(
                    "After 5 wrong tries, a code stops working, even if the right one is typed next. This protects "
                    "your account from guessing."
                ),
                _("Request a new code, then type the code from the newest message."),
            ),
        ),
        Section(
            anchor="code-resend-too-soon",
            title=_("Please wait before you ask for another code"),
            paragraphs=(
                _(
                    "You can ask for a new code for the same email address or phone number once a minute. The "
                    "message tells you how many seconds are left."
                ),
                _(
                    "The code we just sent works for 10 minutes, so check your inbox, spam folder or text messages "
                    "first. A message can take a minute to arrive."
                ),
            ),
        ),
        Section(
            anchor="code-rate-limited",
            title=_("Too many codes were requested"),
            paragraphs=(
                _(
                    "To prevent abuse, we send at most 5 codes an hour to one email address or phone number, and at "
                    "most 10 codes an hour for one account."
                ),
                _(
                    "Wait an hour, then request a new code. Until then, the newest code we already sent still works "
                    "for 10 minutes after it was sent, so check whether it arrived."
                ),
            ),
        ),
    ),
    related=("link-existing-account", "unlink-loop-account", "sign-up-with-loop", "cant-log-in"),
    category="loop-accounts-troubleshooting",
)
