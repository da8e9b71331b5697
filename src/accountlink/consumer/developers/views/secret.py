"""The client secret: shown to the app's owner, and rotated, both after a recent authentication
(DESIGN §8, asked for in place), both throttled per account and audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accountlink.consumer.oauth.registration import do_rotate_client_secret
from accountlink.kit.sessions.reauth import ask_to_reauthenticate
from accountlink.kit.views import recently_authenticated

from .. import actions
from .common import SECRET_DOOR, account, app_context, own_app, render_app, throttle_refusal


@login_required
@require_POST
def reveal_secret(request: HttpRequest, app_id: int) -> HttpResponse:
    client = own_app(request, app_id)
    app_url = reverse("loop:developer_app", args=[client.pk])
    if not recently_authenticated(request):
        return ask_to_reauthenticate(request, "loop:reauthenticate", back_to=app_url)
    refusal = throttle_refusal(request, SECRET_DOOR)
    if refusal:
        messages.error(request, refusal)
        return redirect(app_url)
    return render_app(request, client, secret=actions.do_reveal_client_secret(client, actor=account(request)))


@login_required
@require_http_methods(["GET", "POST"])
def rotate_secret(request: HttpRequest, app_id: int) -> HttpResponse:
    """GET asks to confirm (and warns about webhooks); POST issues a new secret and shows it once."""
    client = own_app(request, app_id)
    if not recently_authenticated(request):
        return ask_to_reauthenticate(request, "loop:reauthenticate")
    if request.method == "GET":
        return render(request, "loop/developers/rotate_secret.html", app_context(client))
    refusal = throttle_refusal(request, SECRET_DOOR)
    if refusal:
        messages.error(request, refusal)
        return redirect("loop:developer_app", app_id=client.pk)
    secret = do_rotate_client_secret(client, actor=account(request))
    messages.success(request, _("A new client secret was issued. The old one no longer works."))
    return render_app(request, client, secret=secret, rotated=True)
