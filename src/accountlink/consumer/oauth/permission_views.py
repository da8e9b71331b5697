"""Manage app permissions (DESIGN §4.2): the apps a holder let in, each one's page, and Remove access.

A holder only ever sees their own permissions: any other app's key answers 404, whether it is
unknown, has no access, or has access to someone else's account.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.conf import platform_settings
from accountlink.kit.sessions.reauth import ask_to_reauthenticate
from accountlink.kit.views import recently_authenticated

from . import actions
from .models import AppPermission, Client


def _account(request: HttpRequest) -> LoopAccount:
    user = request.user
    assert isinstance(user, LoopAccount)
    return user


def _own_permission(request: HttpRequest, client_key: str) -> AppPermission:
    if "\x00" in client_key:
        raise Http404  # names no app, and PostgreSQL could not even look it up
    return get_object_or_404(
        AppPermission.objects.select_related("client"), account=_account(request), client__client_id=client_key
    )


@login_required
@require_GET
def app_permissions(request: HttpRequest) -> HttpResponse:
    permissions = AppPermission.objects.filter(account=_account(request)).select_related("client")
    apps = [
        {"permission": permission, "scope_descriptions": actions.scope_descriptions(permission.scopes)}
        for permission in permissions
    ]
    return render(request, "loop/app_permissions.html", {"apps": apps})


@login_required
@require_GET
def app_permission(request: HttpRequest, client_key: str) -> HttpResponse:
    return render(request, "loop/app_permission.html", _app_context(_own_permission(request, client_key)))


@login_required
@require_http_methods(["GET", "POST"])
def remove_app_access(request: HttpRequest, client_key: str) -> HttpResponse:
    """GET asks to confirm; POST removes the app's access and every token it holds. Both need a
    recent authentication (DESIGN §8), asked for in place: "Confirm it's you", then back here."""
    permission = _own_permission(request, client_key)
    client = permission.client
    if not recently_authenticated(request):
        return ask_to_reauthenticate(request, "loop:reauthenticate")
    if request.method == "POST":
        account = _account(request)
        if actions.do_remove_app_access(account, client, actor=account):
            messages.success(request, _removed_message(client))
        return redirect("loop:app_permissions")
    return render(request, "loop/remove_app_access.html", {**_app_context(permission), "dialog": True})


def _app_context(permission: AppPermission) -> dict[str, object]:
    """The app's page (Remove access draws its confirmation over it)."""
    return {
        "permission": permission,
        "client": permission.client,
        "scope_descriptions": actions.scope_descriptions(permission.scopes),
        "website": _website(permission.client),
        "website_host": urlsplit(_website(permission.client)).netloc,
    }


def _website(client: Client) -> str:
    """The app's site, from its first redirect URI: ``https://host``; empty for an app redirecting
    elsewhere than a web page (a custom scheme)."""
    redirect_uris = client.redirect_uris.split()
    parts = urlsplit(redirect_uris[0]) if redirect_uris else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _removed_message(client: Client) -> str:
    """What the help article ends with: the Loop account can now be linked to another account of the
    app (for Loop for Business, another business account), with a link to the app's site."""
    removed = _("%(app)s no longer has access to your account.") % {"app": client.name}
    closing = _("You can now link your %(brand)s account to another %(app)s account.") % {
        "brand": platform_settings.BRAND,
        "app": client.name,
    }
    website = _website(client)
    if not website:
        return format_html("{} {}", removed, closing)
    return format_html(
        '{} {} <a href="{}/">{}</a>', removed, closing, website, _("Go to %(app)s") % {"app": client.name}
    )
