"""The rules an app's settings obey (TikTok's, for Login Kit for Web and for Desktop), and the coded
refusals when they are broken: checked by ``registration`` before anything is stored.

Redirect URIs: at most 10, each under 512 characters, absolute, with no query and no fragment. A web
app's start with ``https``; a desktop app's are ``http`` or ``https`` on ``localhost`` or
``127.0.0.1`` with a port, where ``*`` stands for any port. One deliberate difference from TikTok: a
web app may also use ``http`` on those loopback hosts, so that local development and the test suite
need no certificate. A webhook URL is absolute ``https`` (``http`` on loopback hosts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Client
from .scopes import SCOPES

MAX_REDIRECT_URIS = 10
MAX_URI_LENGTH = 511  # "under 512 characters"
MAX_WEBHOOK_URL_LENGTH = 500
MAX_NAME_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 1000
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
_DESKTOP_NETLOC = re.compile(r"^(localhost|127\.0\.0\.1):(\*|[0-9]{1,5})$")


class RegistrationError(StrEnum):
    NAME_REQUIRED = "client.name_required"
    NAME_TOO_LONG = "client.name_too_long"
    NAME_TAKEN = "client.name_taken"
    DESCRIPTION_TOO_LONG = "client.description_too_long"
    PLATFORM_UNKNOWN = "client.platform_unknown"
    REDIRECT_URI_REQUIRED = "client.redirect_uri_required"
    TOO_MANY_REDIRECT_URIS = "client.too_many_redirect_uris"
    REDIRECT_URI_TOO_LONG = "client.redirect_uri_too_long"
    REDIRECT_URI_INVALID = "client.redirect_uri_invalid"
    REDIRECT_URI_FRAGMENT = "client.redirect_uri_fragment"
    REDIRECT_URI_QUERY = "client.redirect_uri_query"
    REDIRECT_URI_NOT_HTTPS = "client.redirect_uri_not_https"
    REDIRECT_URI_NOT_LOOPBACK = "client.redirect_uri_not_loopback"
    REDIRECT_URI_PORT_REQUIRED = "client.redirect_uri_port_required"
    WEBHOOK_URL_INVALID = "client.webhook_url_invalid"
    WEBHOOK_URL_NOT_HTTPS = "client.webhook_url_not_https"
    SCOPES_INVALID = "client.scopes_invalid"


MESSAGES: dict[RegistrationError, Promise] = {
    RegistrationError.NAME_REQUIRED: _("an app name is required"),
    RegistrationError.NAME_TOO_LONG: _("an app name can have at most %(max)s characters"),
    RegistrationError.NAME_TAKEN: _("an app with this name already exists: choose another name"),
    RegistrationError.DESCRIPTION_TOO_LONG: _("a description can have at most %(max)s characters"),
    RegistrationError.PLATFORM_UNKNOWN: _("unknown platform: %(platform)s (known: web, desktop)"),
    RegistrationError.REDIRECT_URI_REQUIRED: _("at least one redirect URI is required"),
    RegistrationError.TOO_MANY_REDIRECT_URIS: _("an app can have at most %(max)s redirect URIs"),
    RegistrationError.REDIRECT_URI_TOO_LONG: _("a redirect URI must be under 512 characters: %(uri)s"),
    RegistrationError.REDIRECT_URI_INVALID: _("not a valid redirect URI: %(uri)s"),
    RegistrationError.REDIRECT_URI_FRAGMENT: _("a redirect URI cannot have a fragment: %(uri)s"),
    RegistrationError.REDIRECT_URI_QUERY: _("a redirect URI must be static, without query parameters: %(uri)s"),
    RegistrationError.REDIRECT_URI_NOT_HTTPS: _(
        "a web app's redirect URI must begin with https (http only on localhost or 127.0.0.1): %(uri)s"
    ),
    RegistrationError.REDIRECT_URI_NOT_LOOPBACK: _(
        "a desktop app's redirect URI must be on localhost or 127.0.0.1: %(uri)s"
    ),
    RegistrationError.REDIRECT_URI_PORT_REQUIRED: _(
        "a desktop app's redirect URI needs a port, a number or * for any port: %(uri)s"
    ),
    RegistrationError.WEBHOOK_URL_INVALID: _("not a valid webhook URL: %(url)s"),
    RegistrationError.WEBHOOK_URL_NOT_HTTPS: _(
        "a webhook URL must begin with https (http only on localhost or 127.0.0.1): %(url)s"
    ),
    RegistrationError.SCOPES_INVALID: _("unknown scopes: %(scopes)s (known: %(known)s)"),
}


# Which setting a refusal is about (the rest are about redirect URIs).
FIELDS = (
    ("client.name", "name"),
    ("client.description", "description"),
    ("client.platform", "platform"),
    ("client.webhook", "webhook_url"),
    ("client.scopes", "scopes"),
)


class ClientRegistrationError(ValueError):
    """A refusal with a stable code; ``field`` names the setting at fault, and ``str()`` is the
    message in the active language."""

    def __init__(self, code: RegistrationError, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code.value)

    @property
    def field(self) -> str:
        for prefix, field in FIELDS:
            if self.code.value.startswith(prefix):
                return field
        return "redirect_uris"

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ClientSettings:
    """What the developer chooses for an app."""

    name: str
    redirect_uris: list[str]
    webhook_url: str
    scopes: list[str]
    platform: str = Client.Platform.WEB
    description: str = ""
    require_pkce: bool = False


def _check_redirect_uri(platform: str, uri: str) -> None:
    def refuse(code: RegistrationError) -> ClientRegistrationError:
        return ClientRegistrationError(code, uri=uri)

    if len(uri) > MAX_URI_LENGTH:
        raise refuse(RegistrationError.REDIRECT_URI_TOO_LONG)
    if not uri.isprintable() or any(character.isspace() for character in uri):
        raise refuse(RegistrationError.REDIRECT_URI_INVALID)
    if "#" in uri:
        raise refuse(RegistrationError.REDIRECT_URI_FRAGMENT)
    try:
        parts = urlsplit(uri)
    except ValueError:
        raise refuse(RegistrationError.REDIRECT_URI_INVALID) from None
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        raise refuse(RegistrationError.REDIRECT_URI_INVALID)
    if "?" in uri:
        raise refuse(RegistrationError.REDIRECT_URI_QUERY)
    if platform == Client.Platform.DESKTOP:
        if parts.hostname not in LOOPBACK_HOSTS:
            raise refuse(RegistrationError.REDIRECT_URI_NOT_LOOPBACK)
        match = _DESKTOP_NETLOC.match(parts.netloc.lower())
        if match is None or (match.group(2) != "*" and not 0 < int(match.group(2)) < 65536):
            raise refuse(RegistrationError.REDIRECT_URI_PORT_REQUIRED)
        return
    try:
        URLValidator(schemes=["http", "https"])(uri)
        if parts.port == 0:  # a port out of range raises ValueError
            raise ValueError(uri)
    except (ValidationError, ValueError):
        raise refuse(RegistrationError.REDIRECT_URI_INVALID) from None
    if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
        raise refuse(RegistrationError.REDIRECT_URI_NOT_HTTPS)


def _check_webhook_url(url: str) -> None:
    if not url:
        return
    try:
        if len(url) > MAX_WEBHOOK_URL_LENGTH or not url.isprintable():
            raise ValueError(url)
        URLValidator(schemes=["http", "https"])(url)
        parts = urlsplit(url)
        if parts.port == 0:
            raise ValueError(url)
    except (ValidationError, ValueError):
        raise ClientRegistrationError(RegistrationError.WEBHOOK_URL_INVALID, url=url) from None
    if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
        raise ClientRegistrationError(RegistrationError.WEBHOOK_URL_NOT_HTTPS, url=url)


def check_client_settings(settings: ClientSettings) -> ClientSettings:
    """The settings, tidied (names trimmed, repeated URIs dropped), or ``ClientRegistrationError``."""
    name = " ".join(settings.name.split())
    if not name:
        raise ClientRegistrationError(RegistrationError.NAME_REQUIRED)
    if len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise ClientRegistrationError(RegistrationError.NAME_TOO_LONG, max=MAX_NAME_LENGTH)
    description = settings.description.strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ClientRegistrationError(RegistrationError.DESCRIPTION_TOO_LONG, max=MAX_DESCRIPTION_LENGTH)
    if settings.platform not in Client.Platform.values:
        raise ClientRegistrationError(RegistrationError.PLATFORM_UNKNOWN, platform=settings.platform)
    uris = list(dict.fromkeys(uri.strip() for uri in settings.redirect_uris if uri.strip()))
    if not uris:
        raise ClientRegistrationError(RegistrationError.REDIRECT_URI_REQUIRED)
    if len(uris) > MAX_REDIRECT_URIS:
        raise ClientRegistrationError(RegistrationError.TOO_MANY_REDIRECT_URIS, max=MAX_REDIRECT_URIS)
    for uri in uris:
        _check_redirect_uri(settings.platform, uri)
    webhook_url = settings.webhook_url.strip()
    _check_webhook_url(webhook_url)
    unknown = [scope for scope in settings.scopes if scope not in SCOPES]
    if unknown or not settings.scopes:
        raise ClientRegistrationError(
            RegistrationError.SCOPES_INVALID, scopes=", ".join(unknown) or "-", known=", ".join(SCOPES)
        )
    # A desktop app always uses PKCE (it cannot keep a secret); say so in what is stored.
    require_pkce = settings.require_pkce or settings.platform == Client.Platform.DESKTOP
    return replace(
        settings,
        name=name,
        description=description,
        redirect_uris=uris,
        webhook_url=webhook_url,
        scopes=list(dict.fromkeys(settings.scopes)),
        require_pkce=require_pkce,
    )
