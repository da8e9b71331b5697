"""The form of Continue with Loop's choice page (``views.choice``): log in to the business account to link."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from accountlink.kit.authviews.forms import LoginForm


class LinkExistingForm(LoginForm):
    """**Log in and link**: the email or phone number and password of an existing business account."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identifier"].label = gettext_lazy("Email or phone number")
        self.fields["identifier"].widget.attrs.pop("autofocus", None)
