"""Runs of steps several articles share, written once so they read the same everywhere."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accountlink.helpcontent.parts import Label, Platform, Step


def open_personal_information() -> tuple[Step, ...]:
    """From Ads Manager to User settings → Personal information (the profile menu is closed at first)."""
    return (
        Step(
            _("In Ads Manager, open the %(label)s: your initial, at the top right."),
            Label("Profile menu"),
            role="button",
        ),
        Step(_("Choose %(label)s."), Label("User settings")),
        Step(_("Choose %(label)s."), Label("Personal information")),
    )


def log_in_to_loop_if_asked() -> tuple[Step, ...]:
    """On Loop's login page, in the middle of linking or Continue with Loop."""
    return (
        Step(
            _("If %(brand)s asks you to log in, enter your %(brand)s username, email or phone number in %(label)s."),
            Label("Username, email or phone"),
            role="field",
            platform="loop",
            value="identifier",
        ),
        Step(
            _("Enter your %(brand)s password in %(label)s."),
            Label("Password"),
            role="field",
            platform="loop",
            value="password",
        ),
        Step(_("Press %(label)s."), Label("Log in"), role="button", platform="loop"),
    )


def open_loop_settings() -> tuple[Step, ...]:
    """From Loop's home to Settings and privacy."""
    return (
        Step(_("Tap %(label)s."), Label("Profile"), platform="loop"),
        Step(_("Tap the %(label)s icon at the top right."), Label("Menu"), role="button", platform="loop"),
        Step(_("Tap %(label)s."), Label("Settings and privacy"), platform="loop"),
    )


def remove_business_access() -> tuple[Step, ...]:
    """From Settings and privacy to the end of Remove access for Loop for Business."""
    return (
        Step(_("Tap %(label)s."), Label("Security and login"), platform="loop"),
        Step(
            _("Tap %(label)s. You see every app that can access your account, what it can see, and since when."),
            Label("Manage app permissions"),
            platform="loop",
        ),
        Step(_("Choose %(label)s."), Label("%(brand)s for Business"), platform="loop"),
        Step(_("Tap %(label)s at the bottom."), Label("Remove access"), role="button", platform="loop"),
        Step(
            _(
                "Tap %(label)s again to confirm. %(business_brand)s loses access at once and shows your "
                "account as not linked."
            ),
            Label("Remove access"),
            role="button",
            platform="loop",
        ),
    )


def log_in_to_loop() -> tuple[Step, ...]:
    """Loop's login page, at the start of a section."""
    return (
        Step(
            _(
                "On the %(brand)s login page, enter your username, email or phone number and your password, "
                "and tap %(label)s."
            ),
            Label("Log in"),
            role="button",
            platform="loop",
            value="login",
        ),
    )


def send_and_type_code(platform: Platform = "business") -> tuple[Step, ...]:
    """Send code, then the code from the message: every page that checks a code works this way."""
    press = _("Tap %(label)s.") if platform == "loop" else _("Press %(label)s.")
    return (
        Step(press, Label("Send code"), role="button", platform=platform),
        Step(
            _("Type the 6-digit code you received in %(label)s."),
            Label("Verification code"),
            role="field",
            platform=platform,
            value="code",
        ),
    )


def type_new_password(platform: Platform = "business") -> Step:
    return Step(
        _("Choose a new password and type it in %(label)s."),
        Label("New password"),
        role="field",
        platform=platform,
        value="new_password",
    )
