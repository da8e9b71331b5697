"""The webhooks Loop sent an app: every delivery with every attempt, a test event, and Replay."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountlink.consumer.webhooks import actions as webhooks
from accountlink.consumer.webhooks.models import AUTHORIZATION_REMOVED, WebhookDelivery

from .common import WEBHOOK_DOOR, account, app_context, own_app, throttle_refusal

PAGE_SIZE = 20


@login_required
@require_GET
def deliveries(request: HttpRequest, app_id: int) -> HttpResponse:
    client = own_app(request, app_id)
    listed = WebhookDelivery.objects.filter(client=client).select_related("call").prefetch_related("call__attempt_log")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {**app_context(client), "page": page, "removal_event": AUTHORIZATION_REMOVED}
    return render(request, "loop/developers/deliveries.html", context)


@login_required
@require_POST
def send_test_webhook(request: HttpRequest, app_id: int) -> HttpResponse:
    client = own_app(request, app_id)
    if not client.webhook_url:
        messages.error(request, _("Add a webhook callback URL to the app first."))
        return redirect("loop:developer_app_edit", app_id=client.pk)
    refusal = throttle_refusal(request, WEBHOOK_DOOR)
    if refusal:
        messages.error(request, refusal)
    elif webhooks.do_queue_test_webhook(client, actor=account(request)):
        messages.success(request, _("A test webhook was sent to %(url)s.") % {"url": client.webhook_url})
    return redirect("loop:developer_app_webhooks", app_id=client.pk)


@login_required
@require_POST
def replay_delivery(request: HttpRequest, app_id: int, delivery_id: int) -> HttpResponse:
    client = own_app(request, app_id)
    if delivery_id > 2**62:
        raise Http404
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("client", "call"), pk=delivery_id, client=client
    )
    refusal = throttle_refusal(request, WEBHOOK_DOOR)
    if refusal:
        messages.error(request, refusal)
    else:
        owner = account(request)
        webhooks.do_replay_delivery(delivery, actor=owner, account=owner)
        messages.success(request, _("The delivery was queued to be sent again."))
    return redirect(reverse("loop:developer_app_webhooks", args=[client.pk]) + f"#delivery-{delivery.pk}")
