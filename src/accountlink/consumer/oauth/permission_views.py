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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.sessions.reauth import ask_to_reauthenticate
from accountlink.kit.views import recently_authenticated

from . import actions
from .models import AppPermission


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
    permission = _own_permission(request, client_key)
    redirect_uris = permission.client.redirect_uris.split()
    return render(
        request,
        "loop/app_permission.html",
        {
            "permission": permission,
            "client": permission.client,
            "scope_descriptions": actions.scope_descriptions(permission.scopes),
            "website": urlsplit(redirect_uris[0]).netloc if redirect_uris else "",
        },
    )


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
            messages.success(request, _("%(app)s no longer has access to your account.") % {"app": client.name})
        return redirect("loop:app_permissions")
    return render(request, "loop/remove_app_access.html", {"permission": permission, "client": client})
