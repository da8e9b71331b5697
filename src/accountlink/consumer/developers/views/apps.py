"""The list of the account's apps, creating and editing one, its page and its icon."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountlink.consumer.oauth.models import Client
from accountlink.consumer.oauth.registration import ClientRegistrationError
from accountlink.kit.brand import brand_names
from accountlink.kit.views import posted

from .. import actions
from ..forms import AppForm
from ..models import AppIcon
from .common import account, icon_times, icon_url, own_app, render_app

ICON_MAX_AGE = 24 * 3600  # the page's icon URL changes with the icon (?v=), so a day is safe


@login_required
@require_GET
def app_list(request: HttpRequest) -> HttpResponse:
    clients = list(Client.objects.filter(owner=account(request)).order_by("name", "pk"))
    icons = icon_times(clients)  # one query for every app's icon
    apps = [
        {"client": client, "icon_url": icon_url(client, icons.get(client.pk)) if client.pk in icons else ""}
        for client in clients
    ]
    return render(request, "loop/developers/apps.html", {"apps": apps})


@login_required
@require_http_methods(["GET", "POST"])
def create_app(request: HttpRequest) -> HttpResponse:
    form = AppForm(posted(request), request.FILES or None, brand=brand_names()["brand"])
    if request.method == "POST" and form.is_valid():
        try:
            registered = actions.do_create_app(account(request), form.client_settings(), icon=form.uploaded_icon)
        except ClientRegistrationError as error:
            form.refused(error)
        else:
            messages.success(request, _("%(app)s was created.") % {"app": registered.client.name})
            return redirect("loop:developer_app", app_id=registered.client.pk)
    return render(request, "loop/developers/app_form.html", {"form": form, "client": None})


@login_required
@require_GET
def app_detail(request: HttpRequest, app_id: int) -> HttpResponse:
    return render_app(request, own_app(request, app_id))


@login_required
@require_http_methods(["GET", "POST"])
def edit_app(request: HttpRequest, app_id: int) -> HttpResponse:
    client = own_app(request, app_id)
    has_icon = AppIcon.objects.filter(client=client).exists()
    brand, initial = brand_names()["brand"], AppForm.initial_for(client)
    form = AppForm(posted(request), request.FILES or None, brand=brand, has_icon=has_icon, initial=initial)
    if request.method == "POST" and form.is_valid():
        remove_icon = bool(form.cleaned_data.get("remove_icon")) and form.uploaded_icon is None
        try:
            changed = actions.do_update_app(
                client, form.client_settings(), actor=account(request), icon=form.uploaded_icon, remove_icon=remove_icon
            )
        except ClientRegistrationError as error:
            form.refused(error)
        else:
            if changed:
                messages.success(request, _("Your changes were saved."))
            return redirect("loop:developer_app", app_id=client.pk)
    context = {"form": form, "client": client, "icon_url": icon_url(client)}
    return render(request, "loop/developers/app_form.html", context)


@login_required
@require_GET
def app_icon(request: HttpRequest, app_id: int) -> HttpResponse:
    """The icon, for its owner's pages: cached by the browser, revalidated by ETag."""
    icon = AppIcon.objects.filter(client=own_app(request, app_id)).first()
    if icon is None:
        raise Http404
    etag = quote_etag(icon.digest)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(icon.data), content_type=icon.content_type)
        response["Content-Disposition"] = "inline"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(icon.updated_at.timestamp())
    patch_cache_control(response, private=True, max_age=ICON_MAX_AGE)
    return response
