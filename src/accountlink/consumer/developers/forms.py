"""The app form of Loop for Developers. It only collects what was typed: the rules an app's settings
obey are checked by the registration actions (``consumer.oauth.registration_rules``), whose refusals
come back onto the field they are about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accountlink.consumer.oauth.models import Client
from accountlink.consumer.oauth.registration import ClientRegistrationError, ClientSettings
from accountlink.consumer.oauth.scopes import BASIC, SCOPES

from .icons import Icon, IconRefused, read_icon


def scope_choices() -> list[tuple[str, str]]:
    return [(scope, f"{scope} · {description}") for scope, description in SCOPES.items()]


class AppForm(forms.Form):
    name = forms.CharField(label=_("App name"), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    icon = forms.FileField(
        label=_("Icon"),
        required=False,
        help_text=_("PNG, JPEG or WebP, 256 KB at most. Square images look best."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_icon = forms.BooleanField(label=_("Remove the icon"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    platform = forms.ChoiceField(
        label=_("Platform"), choices=Client.Platform.choices, initial=Client.Platform.WEB, widget=forms.RadioSelect
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        help_text=_(
            "One per line, at most 10, no query or fragment. Web: https://… (http only on localhost or "
            "127.0.0.1, for development). Desktop: http://localhost:PORT/… or http://127.0.0.1:*/… "
            "(* for any port)."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
    )
    webhook_url = forms.CharField(
        label=_("Webhook callback URL"),
        required=False,
        help_text=_("Where %(brand)s sends events such as authorization.removed; https (http only on localhost)."),
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=scope_choices, initial=[BASIC], widget=forms.CheckboxSelectMultiple
    )
    require_pkce = forms.BooleanField(
        label=_("Require PKCE"),
        required=False,
        help_text=_("Web apps only: desktop apps always use PKCE."),
    )

    def __init__(self, *args: Any, brand: str = "Loop", has_icon: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["webhook_url"].help_text = str(self.fields["webhook_url"].help_text) % {"brand": brand}
        self.has_icon = has_icon
        if not has_icon:
            del self.fields["remove_icon"]
        self.uploaded_icon: Icon | None = None

    @classmethod
    def initial_for(cls, client: Client) -> dict[str, Any]:
        return {
            "name": client.name,
            "description": client.description,
            "platform": client.platform,
            "redirect_uris": "\n".join(client.redirect_uris.split()),
            "webhook_url": client.webhook_url,
            "scopes": client.scope_list(),
            "require_pkce": client.require_pkce,
        }

    def clean_icon(self) -> Any:
        upload = self.cleaned_data.get("icon")
        if upload:
            try:
                self.uploaded_icon = read_icon(upload)
            except IconRefused as refusal:
                raise forms.ValidationError(refusal.message, code=refusal.code.value) from None
        return upload

    def client_settings(self) -> ClientSettings:
        data = self.cleaned_data
        return ClientSettings(
            name=data["name"],
            redirect_uris=data["redirect_uris"].split(),
            webhook_url=data["webhook_url"],
            scopes=list(data["scopes"]),
            platform=data["platform"],
            description=data["description"],
            require_pkce=data["require_pkce"],
        )

    def refused(self, error: ClientRegistrationError) -> None:
        """Show a refusal of the registration actions on its field (what was typed stays)."""
        self.add_error(error.field, forms.ValidationError(capfirst(error.message), code=error.code.value))
