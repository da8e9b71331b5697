"""What every page of Loop for Developers needs: the signed-in account, its own app (any other app
answers 404, whether it exists or not), throttling, and the app page itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.consumer.oauth.actions import scope_descriptions
from accountlink.consumer.oauth.models import Client
from accountlink.kit.errors import CodedError
from accountlink.kit.throttle.guard import account_key, begin

from ..models import AppIcon

# Throttled per account (kit.throttle): seeing or rotating a secret, and sending webhooks (a test or a replay).
SECRET_DOOR = "developers.secret"
WEBHOOK_DOOR = "developers.webhooks"


def account(request: HttpRequest) -> LoopAccount:
    user = request.user
    assert isinstance(user, LoopAccount)
    return user


def own_app(request: HttpRequest, app_id: int) -> Client:
    """The signed-in account's app, or 404: another account's app is indistinguishable from none."""
    if app_id > 2**62:
        raise Http404
    return get_object_or_404(Client, pk=app_id, owner=account(request))


def throttle_refusal(request: HttpRequest, door: str) -> str | None:
    """Count one use of ``door`` against the account; the message to show when it must wait."""
    try:
        begin(door, [account_key(account(request))])
    except CodedError as error:
        return error.message
    return None


def icon_url(client: Client, updated_at: datetime | None = None) -> str:
    """Where the app's icon is served ("" without one); its time in the address busts caches. With
    ``updated_at`` (read for many apps at once: ``icon_times``) nothing is asked of the database."""
    if updated_at is None:
        updated_at = AppIcon.objects.filter(client=client).values_list("updated_at", flat=True).first()
    if updated_at is None:
        return ""
    return f"{reverse('loop:developer_app_icon', args=[client.pk])}?v={int(updated_at.timestamp())}"


def icon_times(clients: list[Client]) -> dict[int, datetime]:
    """When each of these apps' icons last changed, in one query (apps without one are left out)."""
    return dict(AppIcon.objects.filter(client__in=clients).values_list("client_id", "updated_at"))


def app_context(client: Client) -> dict[str, Any]:
    return {
        "client": client,
        "icon_url": icon_url(client),
        "redirect_uris": client.redirect_uris.split(),
        "scope_descriptions": scope_descriptions(client.allowed_scopes),
    }


def render_app(request: HttpRequest, client: Client, *, secret: str = "", rotated: bool = False) -> HttpResponse:
    """The app's page; with ``secret``, shown once on it (never cached, never in a URL)."""
    context = {**app_context(client), "secret": secret, "rotated": rotated}
    response = render(request, "loop/developers/app.html", context)
    if secret:
        add_never_cache_headers(response)
    return response
